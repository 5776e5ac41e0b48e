{{- define "k8s-app.name" -}}
{{- required "name is required" .Values.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "k8s-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "k8s-app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "k8s-app.labels" -}}
{{ include "k8s-app.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "k8s-app.image" -}}
{{- $repo := required "image.repository is required" .Values.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (required "image.tag or image.digest is required" .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "k8s-app.mode" -}}
{{- $mode := .Values.exposure.mode -}}
{{- if not (has $mode (list "targetGroupBinding" "nodePort" "traefik" "none")) -}}
{{- fail "exposure.mode must be targetGroupBinding, nodePort, traefik or none" -}}
{{- end -}}
{{- $mode -}}
{{- end -}}
