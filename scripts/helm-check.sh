#!/usr/bin/env bash
# Checks the Helm chart (helm/sonde) without a cluster:
#   0. helm/sonde/components.yaml and values.schema.json match the build (scripts/helm-generate.js);
#   1. helm lint --strict, with the default values, each helm/sonde/ci/*-values.yaml and the
#      two-site examples helm/sonde/examples/*-values.yaml;
#   2. helm template of each, decoded strictly into the Kubernetes API types plus the API
#      server's name rules and the chart's policy (helm/manifest-check, Go, k8s.io/api): no root,
#      no privileged container, NET_RAW only on the icmp-prober, probes and resources on every
#      container, every command path in the build;
#   3. every rendered service config booted through libs/inventory's loadConfig with the real
#      section schemas and the env its Deployment sets (helm/config-check, jest);
#   4. values the chart must refuse are refused, with a message naming the value.
# Needs the build (tsc -b tsconfig.build.json). Installs, if missing: Go from Debian (golang-go;
# a Go already on PATH or in /usr/local/go is used), helm from the Go module proxy
# (helm.sh/helm/v3, built once into ~/.cache/sonde/helm-<version>).
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

[ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"
if ! command -v go >/dev/null; then
  # shellcheck source=lib/service-common.sh
  source scripts/lib/service-common.sh
  echo "helm-check: installing Go from Debian (golang-go)" >&2
  ( flock 9; apt_install golang-go ) 9>/tmp/sonde-apt.lock
fi
cache="${SONDE_CACHE_DIR:-$HOME/.cache/sonde}/helm-$HELM_VERSION"
helm="$cache/bin/helm"
if [ ! -x "$helm" ]; then
  echo "helm-check: building helm $HELM_VERSION from the Go module proxy into $cache (one time, a few minutes)" >&2
  mkdir -p "$cache/bin"
  # flock: two checks at once must not both write the binary
  ( flock 9; [ -x "$helm" ] || GOBIN="$cache/bin" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" ) 9>"$cache/.lock"
fi
(cd helm/manifest-check && go build -o "$work/manifest-check" .)
source scripts/lib/node24.sh

fail=0
echo "== generated chart files"
node scripts/helm-generate.js --check || fail=1

variants=("")
for f in "$CHART"/ci/*-values.yaml "$CHART"/examples/*-values.yaml; do variants+=("$f"); done
for kube in "${KUBE_VERSIONS[@]}"; do
  for v in "${variants[@]}"; do
    name="${v:-default values}"
    args=(--kube-version "$kube")
    [ -n "$v" ] && args+=(-f "$v")
    echo "== $name, Kubernetes $kube"
    "$helm" lint --strict "$CHART" "${args[@]}" | grep -v '^$' || { echo "FAIL lint: $name" >&2; fail=1; continue; }
    out="$work/rendered-$kube-$(basename "${v:-default}").yaml"
    "$helm" template sonde "$CHART" --namespace monitoring "${args[@]}" > "$out" || { echo "FAIL template: $name" >&2; fail=1; continue; }
    "$work/manifest-check" -root "$SONDE_ROOT" < "$out" || { echo "FAIL manifest-check: $name" >&2; fail=1; }
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
  elif ! grep -qF -- "$expect" <<<"$msg"; then
    echo "FAIL: $* refused without naming it (expected: $expect): $msg" >&2; fail=1
  else
    echo "refused as expected: $* — $(grep -F -- "$expect" <<<"$msg" | head -1 | sed 's/^ *//')"
  fi
}
# typos, anywhere: the schema is closed (additionalProperties: false)
refuse "at '/services/snmpPoller': additional properties 'replcias' not allowed" --set services.snmpPoller.replcias=3
refuse "at '/config/snmpPoller': additional properties 'intervalMS' not allowed" --set config.snmpPoller.intervalMS=1000
refuse "at '/config/bus/kafka': additional properties 'broker' not allowed" --set 'config.bus.kafka.broker=kafka:9092'
refuse "at '/services': additional properties 'snmpPoler' not allowed" --set services.snmpPoler.replicas=2
refuse "at '/metrics/serviceMonitor': additional properties 'enable' not allowed" --set metrics.serviceMonitor.enable=true
refuse "at '/config/devices/0': missing property 'address'" --set 'config.devices[0].id=r1'
refuse "at '/config': additional properties 'snmpPollers' not allowed" --set config.snmpPollers.intervalMs=1
# policy
refuse "at '/services/eventWriter/securityContext/privileged'" --set services.eventWriter.securityContext.privileged=true
refuse "at '/podSecurityContext/runAsUser'" --set podSecurityContext.runAsUser=0
refuse 'services.snmpPoller.securityContext.capabilities.add: "NET_RAW" refused' --set 'services.snmpPoller.securityContext.capabilities.add={NET_RAW}'
refuse 'services.icmpProber.securityContext.capabilities.add: "SYS_ADMIN" refused' --set 'services.icmpProber.securityContext.capabilities.add={NET_RAW,SYS_ADMIN}'
refuse "at '/services/trapReceiver/service/type'" --set services.trapReceiver.service.type=ClusterIP
refuse "at '/services/syslogReceiver/service/externalTrafficPolicy'" --set services.syslogReceiver.service.externalTrafficPolicy=Cluster
refuse 'services.snmpPoller.replicas 13: more than the 12 partitions' --set services.snmpPoller.replicas=13
if grep -q '^alertEngine:' "$CHART/components.yaml"; then
  refuse 'services.alertEngine.replicas 2 needs config.state.type redis' --set config.state.type=memory
fi
refuse "at '/secretEnv/SONDE_X': missing property 'key'" --set secretEnv.SONDE_X.secret=s
refuse 'incompatible with Kubernetes' --kube-version 1.25.0

# a service enabled in values but not in the image is not rendered (components.yaml)
if ! grep -q '^rmonCollector:' "$CHART/components.yaml"; then
  if "$helm" template sonde "$CHART" --kube-version "${KUBE_VERSIONS[1]}" | grep -q 'rmon-collector'; then
    echo "FAIL: rmon-collector rendered though the image has no services/rmon-collector/dist/main.js" >&2; fail=1
  else
    echo "not rendered as expected: rmonCollector (not in the image)"
  fi
fi

if [ "$fail" = 0 ]; then echo "helm-check: all passed"; else echo "helm-check: FAILED" >&2; fi
exit "$fail"
