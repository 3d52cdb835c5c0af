{{- define "pista.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pista.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "pista.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ include "pista.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* selector labels of one component: (dict "root" $ "component" "web") */}}
{{- define "pista.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pista.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "pista.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "pista.secretName" -}}
{{- .Values.existingSecret | default (printf "%s-env" (include "pista.fullname" .)) -}}
{{- end -}}

{{- define "pista.databaseDirectUrl" -}}
{{- $db := .Values.database -}}
{{- printf "postgres://%s:%s@%s:%v/%s?sslmode=%s" $db.user ($db.password | urlquery) $db.host $db.port $db.name $db.sslmode -}}
{{- end -}}

{{- define "pista.databaseUrl" -}}
{{- $db := .Values.database -}}
{{- if .Values.secrets.DATABASE_URL -}}
{{- .Values.secrets.DATABASE_URL -}}
{{- else if .Values.pgbouncer.enabled -}}
{{- printf "postgres://%s:%s@%s-pgbouncer:6432/%s" $db.user ($db.password | urlquery) (include "pista.fullname" .) $db.name -}}
{{- else -}}
{{- include "pista.databaseDirectUrl" . -}}
{{- end -}}
{{- end -}}

{{/* Environment of every Pista container (web, worker, beat, migrations). */}}
{{- define "pista.envFrom" -}}
- configMapRef:
    name: {{ include "pista.fullname" . }}-config
- secretRef:
    name: {{ include "pista.secretName" . }}
{{- end -}}

{{- define "pista.podSecurity" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
serviceAccountName: {{ include "pista.fullname" . }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "pista.volumes" -}}
- name: tmp
  emptyDir: {}
- name: data
{{- if .Values.persistence.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.persistence.existingClaim }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end -}}

{{- define "pista.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /data
{{- end -}}
