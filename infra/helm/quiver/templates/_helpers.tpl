{{/* Chart name, overridable. */}}
{{- define "quiver.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* "<release>-quiver", or the release name alone when it already contains the chart name. Resource names add a
     suffix (-gateway, -search), so this stays well below the 63 characters of a DNS label. */}}
{{- define "quiver.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "quiver.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "quiver.labels" -}}
helm.sh/chart: {{ include "quiver.chart" . }}
app.kubernetes.io/name: {{ include "quiver.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one workload: the component tells gateways from search nodes, so no Service, budget or
     autoscaler of one ever selects the other's pods. Call with (dict "root" $ "component" "gateway"). */}}
{{- define "quiver.selectorLabels" -}}
app.kubernetes.io/name: {{ include "quiver.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "quiver.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "quiver.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "quiver.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "quiver.gateway.fullname" -}}
{{- printf "%s-gateway" (include "quiver.fullname" .) }}
{{- end }}

{{- define "quiver.search.fullname" -}}
{{- printf "%s-search" (include "quiver.fullname" .) }}
{{- end }}

{{/* The search nodes' headless Service, which gives each pod the DNS name it advertises. */}}
{{- define "quiver.search.headlessName" -}}
{{- printf "%s-search-headless" (include "quiver.fullname" .) }}
{{- end }}

{{- define "quiver.configName" -}}
{{- printf "%s-config" (include "quiver.fullname" .) }}
{{- end }}

{{/* Environment shared by both workloads beyond the ConfigMap: the secrets, each read from its Secret by
     reference, so no value of one ever appears in the chart's values or rendered manifests. */}}
{{- define "quiver.secretEnv" -}}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      {{- $message := "postgresql.existingSecret must name a Secret holding the PostgreSQL password" }}
      name: {{ required $message .Values.postgresql.existingSecret }}
      key: {{ .Values.postgresql.passwordKey }}
- name: QUIVER_CLUSTER_SECRET
  valueFrom:
    secretKeyRef:
      {{- $clusterMessage := "cluster.existingSecret must name a Secret holding the shared cluster secret" }}
      name: {{ required $clusterMessage .Values.cluster.existingSecret }}
      key: {{ .Values.cluster.secretKey }}
{{- with .Values.objectStore.credentials.existingSecret }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.objectStore.credentials.accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.objectStore.credentials.secretAccessKeyKey }}
{{- end }}
{{- end }}

{{/* The probes, on the actuator's health groups through the named port. */}}
{{- define "quiver.probes" -}}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: http
  periodSeconds: {{ .Values.probes.startup.periodSeconds }}
  failureThreshold: {{ .Values.probes.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: http
  periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: http
  periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
{{- end }}

{{/* Pod-level settings both workloads share. Service links are off: Kubernetes would otherwise set variables such
     as QUIVER_GATEWAY_PORT=tcp://... for every Service, and Spring's relaxed binding reads those as
     quiver.gateway.port. */}}
{{- define "quiver.podCommon" -}}
serviceAccountName: {{ include "quiver.serviceAccountName" . }}
automountServiceAccountToken: false
enableServiceLinks: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/* Soft spreading over nodes unless the values give constraints. Call with (dict "root" $ "component" "..."
     "constraints" list). */}}
{{- define "quiver.topologySpread" -}}
topologySpreadConstraints:
{{- if .constraints }}
  {{- toYaml .constraints | nindent 2 }}
{{- else }}
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "quiver.selectorLabels" (dict "root" .root "component" .component) | nindent 8 }}
{{- end }}
{{- end }}

{{/* JVM options of one workload: the heap as a share of the container's memory limit, and an exit (so Kubernetes
     restarts the pod) instead of limping on after an OutOfMemoryError. Call with the workload's jvm values. */}}
{{- define "quiver.jvmOptions" -}}
{{- printf "-XX:MaxRAMPercentage=%v -XX:+ExitOnOutOfMemoryError %s" .maxRamPercentage .extraOptions | trim }}
{{- end }}

{{/* The address a search node advertises: its pod's DNS name under the headless Service. $(QUIVER_CLUSTER_NODEID)
     is expanded by the kubelet from the variable defined before it. */}}
{{- define "quiver.search.advertiseUrl" -}}
{{- $service := include "quiver.search.headlessName" . }}
{{- printf "http://$(QUIVER_CLUSTER_NODEID).%s.%s.svc.%s:8000" $service .Release.Namespace .Values.clusterDomain }}
{{- end }}
