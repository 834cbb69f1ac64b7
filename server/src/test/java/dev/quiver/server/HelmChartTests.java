package dev.quiver.server;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Helm chart of {@code infra/helm/quiver}, linted and rendered by a real helm and read back as Kubernetes and
 * then Spring would read it: each container's environment is assembled as the kubelet does (ConfigMaps, then
 * {@code env} in order with {@code $(NAME)} references expanded, the pod's name from the downward API) and bound
 * through Spring's relaxed binding for environment variables, so a misspelt variable name fails here, not in a
 * cluster.
 *
 * <p>helm is taken from the system property {@code quiver.test.helm}, else {@code target/tools/helm/helm} under the
 * repository root (where {@code tools/helm/install.sh}, run by {@code .ci/run}, puts it), else the PATH. Where none
 * is found every test is skipped, saying so.
 */
class HelmChartTests {

    private static final String RELEASE = "quiver";
    private static final String NAMESPACE = "quiver";
    private static final String LIVENESS = "/actuator/health/liveness";
    private static final String READINESS = "/actuator/health/readiness";
    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<List<String>, Rendered> RENDERED = new ConcurrentHashMap<>();

    private static Path repository;
    private static Path chart;
    private static @Nullable Path helm;

    /** The values files the chart is rendered with: its defaults, and MinIO with an access key Secret. */
    enum Values {
        DEFAULTS,
        MINIO("-f", "ci/minio-values.yaml");

        private final List<String> arguments;

        Values(String... arguments) {
            this.arguments = List.of(arguments);
        }

        List<String> arguments() {
            return arguments.stream().map(argument -> argument.startsWith("ci/")
                    ? chart.resolve(argument).toString() : argument).toList();
        }
    }

    @BeforeAll
    static void findHelmAndTheChart() {
        repository = repositoryRoot();
        chart = repository.resolve("infra/helm/quiver");
        helm = findHelm(repository).orElse(null);
    }

    /** Skips each test, rather than the class, so that the reports show why. */
    @BeforeEach
    void needsHelm() {
        assumeTrue(helm != null, "The Helm chart tests need helm: run tools/helm/install.sh (as .ci/run does) to "
                + "put a pinned one in target/tools/helm, put helm 3 or 4 on the PATH, or name one with "
                + "-Dquiver.test.helm=PATH (found none; quiver.test.helm=" + System.getProperty("quiver.test.helm")
                + ")");
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void lintFindsNothingWrongEvenWhenStrict(Values values) {
        List<String> command = new ArrayList<>(List.of("lint", "--strict", chart.toString()));
        command.addAll(values.arguments());

        HelmResult lint = helm(command);

        assertThat(lint.exitCode()).as("helm lint output:%n%s", lint.output()).isZero();
        assertThat(lint.output()).contains("1 chart(s) linted, 0 chart(s) failed");
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void everyContainerIsProbedOnTheActuatorHealthGroupsThroughItsHttpPort(Values values) {
        Rendered rendered = render(values.arguments());

        for (JsonNode workload : rendered.workloads()) {
            for (JsonNode container : containers(workload)) {
                String where = name(workload) + "/" + container.path("name").asString();
                assertThat(container.at("/startupProbe/httpGet/path").asString()).as(where).isEqualTo(LIVENESS);
                assertThat(container.at("/livenessProbe/httpGet/path").asString()).as(where).isEqualTo(LIVENESS);
                assertThat(container.at("/readinessProbe/httpGet/path").asString()).as(where).isEqualTo(READINESS);
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    assertThat(containerPort(container, container.path(probe).at("/httpGet/port")))
                            .as("%s %s port", where, probe).isEqualTo(8000);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void everyContainerRequestsCpuAndMemoryAndIsLimitedInMemory(Values values) {
        Rendered rendered = render(values.arguments());

        for (JsonNode workload : rendered.workloads()) {
            for (JsonNode container : containers(workload)) {
                JsonNode resources = container.path("resources");
                assertThat(resources.at("/requests/cpu").asString("")).as(name(workload)).isNotBlank();
                assertThat(resources.at("/requests/memory").asString("")).as(name(workload)).isNotBlank();
                assertThat(resources.at("/limits/memory").asString("")).as(name(workload)).isNotBlank();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void everyWorkloadListensOnAllInterfacesOnPort8000AsDistributedQuiver(Values values) {
        Rendered rendered = render(values.arguments());

        for (JsonNode workload : rendered.workloads()) {
            Binder spring = springSees(rendered, workload);
            assertThat(spring.bind("server.address", String.class).orElse(null)).as(name(workload))
                    .isEqualTo("0.0.0.0");
            assertThat(spring.bind("server.port", Integer.class).orElse(null)).as(name(workload)).isEqualTo(8000);
            assertThat(spring.bind("quiver.embedded-postgres.enabled", Boolean.class).orElse(null))
                    .as(name(workload)).isFalse();
            assertThat(spring.bind("spring.datasource.url", String.class).orElse(""))
                    .as(name(workload)).startsWith("jdbc:postgresql://");
            assertThat(spring.bind("quiver.object-store.type", String.class).orElse(null)).isEqualTo("s3");
            assertThat(spring.bind("quiver.cluster.enabled", Boolean.class).orElse(null)).isTrue();
            assertThat(spring.bind("quiver.cluster.lease-duration", String.class).orElse(null)).isEqualTo("10s");
        }
    }

    @Test
    void gatewaysRunOnlyTheGatewayRoleAndSearchNodesOnlyTheSearchRole() {
        Rendered rendered = render(List.of());

        assertThat(springSees(rendered, rendered.one("Deployment")).bind("quiver.roles", String.class).orElse(null))
                .isEqualTo("gateway");
        assertThat(springSees(rendered, rendered.one("StatefulSet")).bind("quiver.roles", String.class).orElse(null))
                .isEqualTo("search");
    }

    @Test
    void searchNodeIsNamedAfterItsPodAndAdvertisesItsAddressUnderTheHeadlessService() {
        Rendered rendered = render(List.of());
        JsonNode search = rendered.one("StatefulSet");
        String pod = name(search) + "-1";

        Binder spring = springSees(rendered, search);

        String serviceName = search.at("/spec/serviceName").asString();
        JsonNode headless = rendered.named("Service", serviceName);
        assertThat(headless.at("/spec/clusterIP").asString()).isEqualTo("None");
        assertThat(spring.bind("quiver.cluster.node-id", String.class).orElse(null)).isEqualTo(pod);
        assertThat(spring.bind("quiver.cluster.advertise-url", String.class).orElse(null))
                .isEqualTo("http://" + pod + "." + serviceName + "." + NAMESPACE + ".svc.cluster.local:8000");
    }

    @Test
    void minioValuesPointTheObjectStoreAtTheEndpointWithPathStyleAccess() {
        Rendered rendered = render(Values.MINIO.arguments());

        for (JsonNode workload : rendered.workloads()) {
            Binder spring = springSees(rendered, workload);
            assertThat(spring.bind("quiver.object-store.s3.endpoint", String.class).orElse(null))
                    .isEqualTo("http://minio:9000");
            assertThat(spring.bind("quiver.object-store.s3.path-style", Boolean.class).orElse(null)).isTrue();
            assertThat(spring.bind("quiver.object-store.s3.bucket", String.class).orElse(null))
                    .isEqualTo("quiver-checkpoints");
            assertThat(spring.bind("quiver.search.index-threads", Integer.class).orElse(null)).isEqualTo(2);
        }
    }

    @Test
    void defaultValuesLeaveS3CredentialsToTheSdksDefaultChain() {
        Rendered rendered = render(List.of());

        for (JsonNode workload : rendered.workloads()) {
            assertThat(environment(rendered, workload, containers(workload).getFirst()))
                    .doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
                    .doesNotContainKey("QUIVER_OBJECTSTORE_S3_ENDPOINT");
        }
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void secretsAreOnlyReferencedNeverRenderedOrPutInTheConfigMap(Values values) {
        Rendered rendered = render(values.arguments());

        assertThat(rendered.ofKind("Secret")).isEmpty();
        for (JsonNode configMap : rendered.ofKind("ConfigMap")) {
            configMap.path("data").propertyNames().forEach(key ->
                    assertThat(key).doesNotContainIgnoringCase("password").doesNotContainIgnoringCase("secret")
                            .doesNotContainIgnoringCase("access_key"));
        }
        for (JsonNode workload : rendered.workloads()) {
            for (JsonNode container : containers(workload)) {
                for (JsonNode variable : container.path("env")) {
                    String variableName = variable.path("name").asString();
                    if (variableName.matches("(?i).*(PASSWORD|SECRET|ACCESS_KEY).*")) {
                        assertThat(variable.has("value")).as(variableName).isFalse();
                        assertThat(variable.at("/valueFrom/secretKeyRef/name").asString("")).as(variableName)
                                .isNotBlank();
                    }
                }
            }
        }
        Map<String, String> gateway = environment(rendered, rendered.one("Deployment"),
                containers(rendered.one("Deployment")).getFirst());
        assertThat(gateway).containsKey("SPRING_DATASOURCE_PASSWORD");
        if (values == Values.MINIO) {
            assertThat(gateway)
                    .containsEntry("SPRING_DATASOURCE_PASSWORD", "secret:quiver-db/password")
                    .containsEntry("AWS_ACCESS_KEY_ID", "secret:quiver-minio/access-key-id")
                    .containsEntry("AWS_SECRET_ACCESS_KEY", "secret:quiver-minio/secret-access-key");
        }
    }

    @Test
    void renderingStopsWhenNoSecretIsNamedForThePostgresPassword() {
        HelmResult template = helm(List.of("template", RELEASE, chart.toString(), "--namespace", NAMESPACE,
                "--set", "postgresql.existingSecret="));

        assertThat(template.exitCode()).isNotZero();
        // The values schema refuses it first (helm 4 names the path, helm 3 the property); the template's own check
        // stays for a chart used without the schema.
        assertThat(template.output()).containsAnyOf("postgresql/existingSecret", "postgresql.existingSecret");
    }

    @Test
    void valuesRefuseAPasswordOrKeySoNoneCanBeKeptInThem() {
        HelmResult password = helm(List.of("template", RELEASE, chart.toString(), "--namespace", NAMESPACE,
                "--set", "postgresql.password=not-a-real-one"));
        HelmResult key = helm(List.of("template", RELEASE, chart.toString(), "--namespace", NAMESPACE,
                "--set", "objectStore.credentials.secretAccessKey=not-a-real-one"));

        // Helm 3 and 4 word the refusal differently; both name the group, the property and "not allowed".
        assertThat(password.exitCode()).isNotZero();
        assertThat(password.output()).contains("postgresql", "password").containsIgnoringCase("not allowed");
        assertThat(key.exitCode()).isNotZero();
        assertThat(key.output()).contains("credentials", "secretAccessKey").containsIgnoringCase("not allowed");
    }

    @Test
    void autoscalerScalesTheGatewayDeploymentOnCpuAndOwnsItsReplicaCount() {
        Rendered rendered = render(List.of());
        JsonNode gateway = rendered.one("Deployment");

        JsonNode autoscaler = rendered.one("HorizontalPodAutoscaler");

        assertThat(autoscaler.at("/spec/scaleTargetRef/kind").asString()).isEqualTo("Deployment");
        assertThat(autoscaler.at("/spec/scaleTargetRef/name").asString()).isEqualTo(name(gateway));
        assertThat(autoscaler.at("/spec/metrics/0/resource/name").asString()).isEqualTo("cpu");
        assertThat(autoscaler.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(70);
        assertThat(gateway.at("/spec/replicas").isMissingNode()).isTrue();
    }

    @Test
    void withoutTheAutoscalerTheDeploymentKeepsItsOwnReplicaCount() {
        Rendered rendered = render(List.of("--set", "gateway.autoscaling.enabled=false", "--set",
                "gateway.replicas=3"));

        assertThat(rendered.ofKind("HorizontalPodAutoscaler")).isEmpty();
        assertThat(rendered.one("Deployment").at("/spec/replicas").asInt()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void servicesAndDisruptionBudgetsSelectOnlyTheirOwnWorkloadsPods(Values values) {
        Rendered rendered = render(values.arguments());
        JsonNode gateway = rendered.one("Deployment");
        JsonNode search = rendered.one("StatefulSet");
        JsonNode gatewayService = rendered.named("Service", name(gateway));
        JsonNode searchService = rendered.named("Service", search.at("/spec/serviceName").asString());

        assertThat(rendered.ofKind("Service")).hasSize(2);
        assertSelects(gatewayService.at("/spec/selector"), gateway, search);
        assertSelects(searchService.at("/spec/selector"), search, gateway);
        assertSelects(gateway.at("/spec/selector/matchLabels"), gateway, search);
        assertSelects(search.at("/spec/selector/matchLabels"), search, gateway);
        for (JsonNode service : List.of(gatewayService, searchService)) {
            assertThat(service.at("/spec/ports/0/targetPort").asString()).isEqualTo("http");
        }
        List<JsonNode> budgets = rendered.ofKind("PodDisruptionBudget");
        assertThat(budgets).hasSize(2);
        assertSelects(rendered.named("PodDisruptionBudget", name(gateway)).at("/spec/selector/matchLabels"),
                gateway, search);
        assertSelects(rendered.named("PodDisruptionBudget", name(search)).at("/spec/selector/matchLabels"),
                search, gateway);
    }

    @Test
    void eachSearchNodeKeepsItsShardCacheOnItsOwnVolumeOfTheConfiguredSize() {
        Rendered rendered = render(List.of("--set", "search.persistence.size=50Gi"));
        JsonNode search = rendered.one("StatefulSet");

        JsonNode claim = search.at("/spec/volumeClaimTemplates/0");

        assertThat(claim.at("/spec/resources/requests/storage").asString()).isEqualTo("50Gi");
        String dataDirectory = springSees(rendered, search).bind("quiver.data-dir", String.class).get();
        assertThat(containers(search).getFirst().path("volumeMounts")).anySatisfy(mount -> {
            assertThat(mount.path("name").asString()).isEqualTo(claim.at("/metadata/name").asString());
            assertThat(mount.path("mountPath").asString()).isEqualTo(dataDirectory);
        });
    }

    @Test
    void heapIsAPercentageOfTheContainersMemoryNeverAFixedSize() {
        Rendered rendered = render(List.of("--set", "search.jvm.maxRamPercentage=40"));

        String gateway = environment(rendered, rendered.one("Deployment"),
                containers(rendered.one("Deployment")).getFirst()).get("JDK_JAVA_OPTIONS");
        String search = environment(rendered, rendered.one("StatefulSet"),
                containers(rendered.one("StatefulSet")).getFirst()).get("JDK_JAVA_OPTIONS");

        assertThat(gateway).contains("-XX:MaxRAMPercentage=75").doesNotContain("-Xmx");
        assertThat(search).contains("-XX:MaxRAMPercentage=40").doesNotContain("-Xmx");
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void podsTakeNoServiceLinksWhichSpringWouldBindAsQuiverSettings(Values values) {
        Rendered rendered = render(values.arguments());

        for (JsonNode workload : rendered.workloads()) {
            assertThat(workload.at("/spec/template/spec/enableServiceLinks").asBoolean(true)).as(name(workload))
                    .isFalse();
        }
    }

    @Test
    void imageIsTheValueGiven() {
        Rendered rendered = render(List.of("--set", "image.repository=mirror/quiver", "--set",
                "image.tag=1.2.3"));

        for (JsonNode workload : rendered.workloads()) {
            assertThat(containers(workload).getFirst().path("image").asString())
                    .isEqualTo("mirror/quiver:1.2.3");
        }
    }

    private static void assertSelects(JsonNode selector, JsonNode own, JsonNode other) {
        assertThat(selector.size()).as("selector %s", selector).isPositive();
        assertThat(matches(selector, own)).as("%s selects %s", selector, name(own)).isTrue();
        assertThat(matches(selector, other)).as("%s does not select %s", selector, name(other)).isFalse();
    }

    private static boolean matches(JsonNode selector, JsonNode workload) {
        JsonNode labels = workload.at("/spec/template/metadata/labels");
        return selector.properties().stream()
                .allMatch(entry -> labels.path(entry.getKey()).asString("").equals(entry.getValue().asString()));
    }

    /** The port number a probe's port names, by number or by the container port's name. */
    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isNumber()) {
            return port.asInt();
        }
        for (JsonNode declared : container.path("ports")) {
            if (declared.path("name").asString().equals(port.asString())) {
                return declared.path("containerPort").asInt();
            }
        }
        return fail("no container port named %s in %s", port, container.path("ports"));
    }

    /** The settings Spring binds from a workload's first container's environment in a pod of it. */
    private static Binder springSees(Rendered rendered, JsonNode workload) {
        Map<String, Object> environment = new LinkedHashMap<>(
                environment(rendered, workload, containers(workload).getFirst()));
        return new Binder(ConfigurationPropertySources.from(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment)));
    }

    /**
     * A container's environment as the kubelet builds it: every {@code envFrom} ConfigMap (which must be rendered
     * too), then {@code env} in order, a later entry replacing an earlier one, with {@code $(NAME)} expanded from the
     * entries before it. A Secret's value stands in as {@code secret:<name>/<key>}; the downward API's pod name is
     * the workload's name with {@code -1} appended for a StatefulSet.
     */
    private static Map<String, String> environment(Rendered rendered, JsonNode workload, JsonNode container) {
        String pod = name(workload) + (workload.path("kind").asString().equals("StatefulSet") ? "-1" : "-7d9f-x2x4q");
        Map<String, String> environment = new LinkedHashMap<>();
        for (JsonNode source : container.path("envFrom")) {
            assertThat(source.has("configMapRef")).as("envFrom %s", source).isTrue();
            rendered.named("ConfigMap", source.at("/configMapRef/name").asString()).path("data").properties()
                    .forEach(entry -> environment.put(entry.getKey(), entry.getValue().asString()));
        }
        for (JsonNode variable : container.path("env")) {
            String variableName = variable.path("name").asString();
            if (variable.has("value")) {
                environment.put(variableName, expand(variable.path("value").asString(), environment));
            } else if (variable.at("/valueFrom/secretKeyRef").isObject()) {
                JsonNode reference = variable.at("/valueFrom/secretKeyRef");
                environment.put(variableName, "secret:" + reference.path("name").asString() + "/"
                        + reference.path("key").asString());
            } else if (variable.at("/valueFrom/fieldRef/fieldPath").asString("").equals("metadata.name")) {
                environment.put(variableName, pod);
            } else {
                fail("%s: an environment variable this test cannot resolve: %s", name(workload), variable);
            }
        }
        return environment;
    }

    private static String expand(String value, Map<String, String> defined) {
        Matcher reference = REFERENCE.matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (reference.find()) {
            String replacement = defined.getOrDefault(reference.group(1), reference.group());
            reference.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
        }
        return reference.appendTail(expanded).toString();
    }

    private static List<JsonNode> containers(JsonNode workload) {
        List<JsonNode> containers = new ArrayList<>();
        workload.at("/spec/template/spec/containers").forEach(containers::add);
        assertThat(containers).as("containers of %s", name(workload)).isNotEmpty();
        return containers;
    }

    private static String name(JsonNode manifest) {
        return manifest.at("/metadata/name").asString();
    }

    private static Rendered render(List<String> arguments) {
        return RENDERED.computeIfAbsent(List.copyOf(arguments), key -> {
            List<String> command = new ArrayList<>(List.of("template", RELEASE, chart.toString(),
                    "--namespace", NAMESPACE));
            command.addAll(key);
            HelmResult template = helm(command);
            assertThat(template.exitCode()).as("helm %s%n%s", command, template.output()).isZero();
            return Rendered.parse(template.output());
        });
    }

    private static HelmResult helm(List<String> arguments) {
        Path home = repository.resolve("server/target/helm-home");
        List<String> command = new ArrayList<>();
        command.add(requireNonNull(helm, "helm").toString());
        command.addAll(arguments);
        try {
            Files.createDirectories(home);
            Path errors = Files.createTempFile(home, "helm", ".err");
            // Helm's caches and settings stay under target/, so a run neither reads nor writes the user's.
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
            builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
            builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
            builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return fail("helm did not finish within 2 minutes: %s", command);
            }
            String error = Files.readString(errors);
            Files.delete(errors);
            return new HelmResult(process.exitValue(), output + error);
        } catch (IOException e) {
            throw new UncheckedIOException("running " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    private static Optional<Path> findHelm(Path repository) {
        String named = System.getProperty("quiver.test.helm");
        if (named != null && !named.isBlank()) {
            return Optional.of(Path.of(named)).filter(Files::isExecutable);
        }
        Path installed = repository.resolve("target/tools/helm/helm");
        if (Files.isExecutable(installed)) {
            return Optional.of(installed);
        }
        String path = System.getenv("PATH");
        return path == null ? Optional.empty() : Arrays.stream(path.split(File.pathSeparator))
                .filter(directory -> !directory.isBlank())
                .map(directory -> Path.of(directory, "helm"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The repository root: the nearest directory upwards from the working directory that holds the chart. */
    private static Path repositoryRoot() {
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            if (Files.isRegularFile(directory.resolve("infra/helm/quiver/Chart.yaml"))) {
                return directory;
            }
        }
        throw new IllegalStateException("no infra/helm/quiver/Chart.yaml above " + Path.of("").toAbsolutePath());
    }

    private record HelmResult(int exitCode, String output) {
    }

    /** The manifests of one {@code helm template} run, in the order helm wrote them. */
    private record Rendered(List<JsonNode> manifests) {

        Rendered {
            manifests = List.copyOf(manifests);
        }

        static Rendered parse(String output) {
            Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
            List<JsonNode> manifests = new ArrayList<>();
            for (@Nullable Object document : yaml.loadAll(output)) {
                if (document != null) {
                    manifests.add(JSON.valueToTree(document));
                }
            }
            return new Rendered(manifests);
        }

        List<JsonNode> ofKind(String kind) {
            return manifests.stream().filter(manifest -> manifest.path("kind").asString().equals(kind)).toList();
        }

        JsonNode one(String kind) {
            List<JsonNode> ofKind = ofKind(kind);
            assertThat(ofKind).as("manifests of kind %s", kind).hasSize(1);
            return ofKind.getFirst();
        }

        JsonNode named(String kind, String name) {
            return ofKind(kind).stream().filter(manifest -> name(manifest).equals(name)).findFirst()
                    .orElseGet(() -> fail("no %s named %s rendered", kind, name));
        }

        /** The gateway Deployment and the search StatefulSet, exactly one each. */
        List<JsonNode> workloads() {
            return List.of(one("Deployment"), one("StatefulSet"));
        }
    }
}
