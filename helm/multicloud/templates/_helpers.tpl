{{/* The release's name prefix for every object (at most 52 characters: room for suffixes within 63). */}}
{{- define "multicloud.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "multicloud.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "multicloud.labels" -}}
{{ include "multicloud.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
multicloud.ledger/region: {{ .Values.region | quote }}
{{- end -}}

{{/* The silo pods' labels (selectors use these). */}}
{{- define "multicloud.siloSelectorLabels" -}}
{{ include "multicloud.selectorLabels" . }}
app.kubernetes.io/component: silo
{{- end -}}

{{/* The image, by digest only: a missing digest stops the render. */}}
{{- define "multicloud.image" -}}
{{- $repository := required "image.repository is required (registry/name, without tag)" .Values.image.repository -}}
{{- $digest := required "image.digest is required: the silo image is deployed by digest (sha256:<64 hex>), never by tag" .Values.image.digest -}}
{{- printf "%s@%s" $repository $digest -}}
{{- end -}}

{{/* The Orleans cluster id: shared by both regions (oneCluster), or one per region (clusterPerRegion). */}}
{{- define "multicloud.clusterId" -}}
{{- if eq .Values.cluster.topology "clusterPerRegion" -}}
{{- printf "%s-%s" .Values.cluster.clusterId (include "multicloud.region" .) -}}
{{- else -}}
{{- .Values.cluster.clusterId -}}
{{- end -}}
{{- end -}}

{{- define "multicloud.region" -}}
{{- required "region is required: a or b (Regions:Region)" .Values.region -}}
{{- end -}}

{{/*
Environment shared by the silos and the migration Job: the shipped two-region profile plus addresses, names and the
database credentials by reference. Listed in each pod (no ConfigMap): the migration Job runs as a pre-install hook,
before any ordinary object of the release exists.
*/}}
{{- define "multicloud.commonEnv" -}}
- name: Profile
  value: two-region
- name: Regions__Region
  value: {{ include "multicloud.region" . | quote }}
- name: Cluster__ClusterId
  value: {{ include "multicloud.clusterId" . | quote }}
{{- if eq .Values.cluster.topology "clusterPerRegion" }}
- name: Regions__ServeOnlyInPrimaryRegion
  value: "true"
{{- end }}
- name: Cluster__ServiceId
  value: {{ .Values.cluster.serviceId | quote }}
- name: DATABASE_CREDENTIALS
  valueFrom:
    secretKeyRef:
      name: {{ required "database.secretName is required: an existing Secret holding the database credentials" .Values.database.secretName | quote }}
      key: {{ .Values.database.credentialsKey | quote }}
- name: Database__ConnectionString
  value: {{ printf "Host=%s;Port=%d;Database=%s;$(DATABASE_CREDENTIALS)" (required "database.host is required: this region's HAProxy service (it follows the Patroni primary)" .Values.database.host) (int .Values.database.port) .Values.database.name | quote }}
{{- end -}}

{{/* Container securityContext: non-root, read-only root, no privilege escalation, every capability dropped. */}}
{{- define "multicloud.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "multicloud.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.runAsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}
