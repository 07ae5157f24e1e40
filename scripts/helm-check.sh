#!/usr/bin/env bash
# Checks the Helm chart (helm/sonde) without a cluster:
#   1. helm lint --strict, with the default values and each helm/sonde/ci/*-values.yaml;
#   2. helm template of each, decoded strictly into the Kubernetes API types plus the API
#      server's name rules (helm/manifest-check, Go, k8s.io/api);
#   3. every rendered service config booted through libs/inventory's loadConfig with the real
#      section schemas and the env its Deployment sets (helm/config-check, jest);
#   4. values the chart must refuse are refused.
# Installs helm (Go module helm.sh/helm/v3, built with the machine's Go) into .tools/bin if missing.
# Not checked here: a real cluster (admission, scheduling, load balancers), the image itself.
set -euo pipefail
SONDE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SONDE_ROOT"
HELM_VERSION="${SONDE_HELM_VERSION:-v3.22.0}"
# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and a current one.
KUBE_VERSIONS=(1.26.0 1.33.0)
CHART=helm/sonde
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v go >/dev/null || { echo "helm-check: Go is needed to build helm and helm/manifest-check" >&2; exit 1; }
helm="$SONDE_ROOT/.tools/bin/helm"
if [ ! -x "$helm" ]; then
  echo "helm-check: building helm $HELM_VERSION into .tools/bin (one time, a few minutes)" >&2
  GOBIN="$SONDE_ROOT/.tools/bin" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
(cd helm/manifest-check && go build -o "$work/manifest-check" .)
source scripts/lib/node24.sh

fail=0
variants=("")
for f in "$CHART"/ci/*-values.yaml; do variants+=("$f"); done
for kube in "${KUBE_VERSIONS[@]}"; do
  for v in "${variants[@]}"; do
    name="${v:-default values}"
    args=(--kube-version "$kube")
    [ -n "$v" ] && args+=(-f "$v")
    echo "== $name, Kubernetes $kube"
    "$helm" lint --strict "$CHART" "${args[@]}" | grep -v '^$' || { echo "FAIL lint: $name" >&2; fail=1; continue; }
    out="$work/rendered-$kube-$(basename "${v:-default}").yaml"
    "$helm" template sonde "$CHART" --namespace monitoring "${args[@]}" > "$out" || { echo "FAIL template: $name" >&2; fail=1; continue; }
    "$work/manifest-check" < "$out" || { echo "FAIL manifest-check: $name" >&2; fail=1; }
    if [ "$kube" = "${KUBE_VERSIONS[0]}" ]; then
      if report=$(SONDE_HELM_RENDERED="$out" SONDE_TEST_UNIT_ONLY=1 node node_modules/jest/bin/jest.js \
          --roots helm/config-check --testMatch '**/*.check.ts' 2>&1); then
        grep -E '^Tests:' <<<"$report" | sed 's/^/config-check: /'
      else
        echo "$report" >&2; echo "FAIL config-check: $name" >&2; fail=1
      fi
    fi
  done
done

# Values the chart must refuse, with the message that names the value.
refuse() {
  local expect=$1; shift
  local msg
  if msg=$("$helm" template sonde "$CHART" --kube-version "${KUBE_VERSIONS[1]}" "$@" 2>&1); then
    echo "FAIL: accepted $*" >&2; fail=1
  elif ! grep -qF "$expect" <<<"$msg"; then
    echo "FAIL: $* refused without naming it: $msg" >&2; fail=1
  else
    echo "refused as expected: $*"
  fi
}
refuse 'services.trapReceiver.service.type "ClusterIP"' --set services.trapReceiver.service.type=ClusterIP
refuse 'services.eventWriter.component "Event_Writer"' --set services.eventWriter.component=Event_Writer
refuse 'secretEnv.SONDE_X.key is required' --set secretEnv.SONDE_X.secret=s
refuse 'incompatible with Kubernetes' --kube-version 1.25.0

if [ "$fail" = 0 ]; then echo "helm-check: all passed"; else echo "helm-check: FAILED" >&2; fi
exit "$fail"
