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

{{/* A component name must be a DNS label: it names Deployments, Services and label values. */}}
{{- define "sonde.checkComponent" -}}
{{- if not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" .component) -}}
{{- fail (printf "services.%s.component %q: expected a DNS label such as event-writer" .key .component) -}}
{{- end -}}
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
