{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "sonde.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name; each service appends "-<component>" to it. */}}
{{- define "sonde.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "sonde.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "sonde.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sonde
{{- end -}}

{{/* Selector labels of one service. Call with (dict "root" $ "component" "event-writer"). */}}
{{- define "sonde.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sonde.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "sonde.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "sonde.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "sonde.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
The services to render, as YAML (read it back with fromYaml): every entry of components.yaml
(generated from each services/NAME/src/main.ts: what the image contains) whose services.<key>.enabled is
not false, merged with its values. `component`, `main`, `sections` and `sharded` come from
components.yaml, never from values. Fails on values the chart must refuse, naming them.
*/}}
{{- define "sonde.services" -}}
{{- $components := .Files.Get "components.yaml" | fromYaml -}}
{{- $out := dict -}}
{{- $partitions := 12 -}}
{{- with .Values.config.bus }}{{ with .kafka }}{{ with .targets }}{{ with .partitions }}{{ $partitions = int . }}{{ end }}{{ end }}{{ end }}{{ end -}}
{{- range $key, $c := $components -}}
{{- $svc := deepCopy (get $.Values.services $key | default dict) -}}
{{- if ternary $svc.enabled true (hasKey $svc "enabled") -}}
{{- $svc = merge (dict "key" $key "component" $c.component "main" $c.main "sections" $c.sections "sharded" $c.sharded) $svc -}}
{{- $replicas := int (ternary $svc.replicas 1 (hasKey $svc "replicas")) -}}
{{- $_ := set $svc "replicas" $replicas -}}
{{- /* only the prober adds a capability, and only NET_RAW */ -}}
{{- $sc := $svc.securityContext | default $.Values.securityContext -}}
{{- $add := list -}}
{{- with $sc.capabilities }}{{ $add = .add | default list }}{{ end -}}
{{- range $add -}}
{{- if or (ne $key "icmpProber") (ne . "NET_RAW") -}}
{{- fail (printf "services.%s.securityContext.capabilities.add: %q refused — only the icmp-prober adds a capability, NET_RAW (raw ICMP sockets)" $key .) -}}
{{- end -}}
{{- end -}}
{{- if and $c.sharded (gt $replicas $partitions) -}}
{{- fail (printf "services.%s.replicas %d: more than the %d partitions of sonde.targets.<site> (config.bus.kafka.targets.partitions); the extra replicas would own no targets" $key $replicas $partitions) -}}
{{- end -}}
{{- if and (eq $key "alertEngine") (gt $replicas 1) (ne (($.Values.config.state | default dict).type | default "memory") "redis") -}}
{{- fail (printf "services.alertEngine.replicas %d needs config.state.type redis: the replicas share the notification log and rule checkpoints in Redis (memory state would notify twice)" $replicas) -}}
{{- end -}}
{{- $_ := set $out $key $svc -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Services enabled in values that this image does not contain (for NOTES.txt). */}}
{{- define "sonde.missingServices" -}}
{{- $components := .Files.Get "components.yaml" | fromYaml -}}
{{- $missing := list -}}
{{- range $key, $svc := .Values.services -}}
{{- if and (ternary $svc.enabled true (hasKey $svc "enabled")) (not (hasKey $components $key)) -}}
{{- $missing = append $missing $key -}}
{{- end -}}
{{- end -}}
{{- join ", " $missing -}}
{{- end -}}

{{/*
The sonde.yaml of one service: the core keys every service reads (site, sites, credentials,
devices), telemetry, and the sections the service itself reads (services.<name>.sections).
Not the whole `config`: a service's loadConfig rejects top-level sections it does not know, and
device keys other than the core ones and its own device sections (services.<name>.deviceSections,
e.g. `icmp:` for the prober) — libs/inventory validates with strict schemas.
Call with (dict "root" $ "svc" $svc).
*/}}
{{- define "sonde.serviceConfig" -}}
{{- $cfg := dict -}}
{{- range $k := concat (list "site" "instance" "sites" "credentials" "telemetry") (.svc.sections | default list) -}}
{{- if hasKey $.root.Values.config $k -}}
{{- $_ := set $cfg $k (get $.root.Values.config $k) -}}
{{- end -}}
{{- end -}}
{{- if hasKey .root.Values.config "devices" -}}
{{- $keep := concat (list "id" "name" "address" "site" "tags" "snmp") (.svc.deviceSections | default list) -}}
{{- $devices := list -}}
{{- range $device := .root.Values.config.devices -}}
{{- $kept := dict -}}
{{- range $k := $keep -}}
{{- if hasKey $device $k -}}
{{- $_ := set $kept $k (get $device $k) -}}
{{- end -}}
{{- end -}}
{{- $devices = append $devices $kept -}}
{{- end -}}
{{- $_ := set $cfg "devices" $devices -}}
{{- end -}}
{{- toYaml $cfg -}}
{{- end -}}
