package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static dev.quiver.server.Http.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quiver.QuiverApplication;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * Issue #7's check on observability: every metric the Grafana dashboard and the Prometheus alert rules in
 * {@code infra/} read is exported at {@code /actuator/prometheus}, once a few data-plane requests have made every
 * meter exist; request metrics carry route templates, never concrete paths; and the probes answer without a key.
 * Authentication is on, so a refused request is among those measured.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {StandaloneContext.AUTHENTICATED, "quiver.tenant.bootstrap.api-key=" + MetricsIT.KEY})
class MetricsIT extends StandaloneContext {

    static final String KEY = "qk_metricsTestBootstrapKey000000000";
    private static final String COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections";
    private static final Path INFRA = Path.of("..", "infra");
    /** Series that Prometheus makes itself for every target, so no application exports them. */
    private static final Set<String> MADE_BY_PROMETHEUS = Set.of("up");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern URI_LABEL = Pattern.compile("[{,]uri=\"([^\"]*)\"");
    /** Each test adds records of its own ids to the one collection: the context, and so the data, is per class. */
    private static final AtomicInteger records = new AtomicInteger();

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void everyMetricOfTheDashboardAndTheAlertRulesIsExported() {
        exerciseTheDataPlane();
        // The GC pause meter exists only once a collection has happened; a large heap may not have had one yet.
        System.gc();
        await().atMost(Duration.ofSeconds(30)).until(() -> scrape().contains("jvm_gc_pause_seconds_count{"));
        Set<String> exported = exportedNames(scrape());

        Set<String> dashboard = new TreeSet<>();
        for (String expression : dashboardExpressions()) {
            dashboard.addAll(PromQlNames.metricNames(expression));
        }
        Set<String> alerts = new TreeSet<>();
        for (String expression : alertExpressions()) {
            alerts.addAll(PromQlNames.metricNames(expression));
        }
        // The files were read: a broken path or parser must not pass vacuously.
        assertThat(dashboard).contains("http_server_requests_seconds_bucket", "quiver_search_apply_lag",
                "quiver_search_wal_append_seconds_bucket", "jvm_memory_used_bytes",
                "quiver_billing_quota_refusals_total");
        assertThat(alerts).contains("up", "http_server_requests_seconds_count", "quiver_server_readiness",
                "quiver_billing_quota_refusals_total");

        Set<String> used = new TreeSet<>(dashboard);
        used.addAll(alerts);
        used.removeAll(MADE_BY_PROMETHEUS);
        assertThat(exported).containsAll(used);
    }

    @Test
    void quotaRefusalsAreExportedForEveryQuotaBeforeAnyRefusal() {
        String scrape = scrape();

        for (String quota : List.of("databases", "collections_per_database", "records_per_collection",
                "max_dimension", "records_per_batch", "document_bytes", "metadata_keys", "metadata_bytes",
                "read_requests_per_second", "write_requests_per_second", "storage_bytes")) {
            assertThat(scrape).contains("quiver_billing_quota_refusals_total{quota=\"" + quota + "\"}");
        }
    }

    @Test
    void requestMetricsCarryRouteTemplatesNeverConcretePaths() {
        exerciseTheDataPlane();
        String scrape = scrape();

        Set<String> uris = new TreeSet<>();
        for (String line : scrape.lines().toList()) {
            if (line.startsWith("http_server_requests_seconds_count{")) {
                Matcher uri = URI_LABEL.matcher(line);
                assertThat(uri.find()).as("uri tag in %s", line).isTrue();
                uris.add(uri.group(1));
            }
        }
        assertThat(uris).contains(
                "/api/v2/tenants/{tenant}/databases/{database}/collections",
                "/api/v2/tenants/{tenant}/databases/{database}/collections/{id}/add",
                "/api/v2/tenants/{tenant}/databases/{database}/collections/{id}/query",
                "/api/v2/tenants/{tenant}/databases/{database}/collections/{name}");
        assertThat(uris).allSatisfy(uri -> assertThat(UUID.matcher(uri).find()).as(uri).isFalse());
        assertThat(uris).noneMatch(uri -> uri.contains("metrics-test") || uri.contains("no-such"));
        // What Spring records where no handler's template applies: bounded values, not the path. A request that
        // security refuses never reaches a handler; one that no route matches lands on the static-resource handler.
        assertThat(scrape)
                .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"401\",uri=\"UNKNOWN\"\\}")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"404\",uri=\"/\\*\\*\"\\}");
    }

    @Test
    void probesAnswerUpWithoutAKeyAndReadinessIncludesTheDatabase() {
        Http.Response liveness = http.get("/actuator/health/liveness");
        assertThat(liveness.status()).as(liveness.toString()).isEqualTo(200);
        assertThat(liveness.json().path("status").asString()).isEqualTo("UP");

        Http.Response readiness = http.get("/actuator/health/readiness");
        assertThat(readiness.status()).as(readiness.toString()).isEqualTo(200);
        assertThat(readiness.json().path("status").asString()).isEqualTo("UP");
        assertThat(readiness.json().path("components").path("db").path("status").asString()).isEqualTo("UP");
        assertThat(readiness.json().path("components").path("readinessState").path("status").asString())
                .isEqualTo("UP");
    }

    /**
     * One of each kind of request the dashboard shows: a create, an add, a query (which waits for the applier, so
     * the apply timer has samples), a 404 on a route, a 404 on no route, and a 401 refused before any handler.
     */
    private void exerciseTheDataPlane() {
        String[] key = key(KEY);
        Http.Response created = http.post(COLLECTIONS, json("{'name':'metrics-test','get_or_create':true}"), key);
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        String collection = COLLECTIONS + "/" + created.json().path("id").asString();
        int first = records.getAndAdd(2);
        Http.Response added = http.post(collection + "/add", json("{'ids':['r" + first + "','r" + (first + 1)
                + "'],'embeddings':[[1.0,0.0,0.0],[0.0,1.0,0.0]]}"), key);
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        Http.Response queried = http.post(collection + "/query",
                json("{'query_embeddings':[[1.0,0.0,0.0]],'n_results':1}"), key);
        assertThat(queried.status()).as(queried.toString()).isEqualTo(200);
        assertThat(http.get(COLLECTIONS + "/no-such-collection", key).status()).isEqualTo(404);
        assertThat(http.get("/api/v2/no-such-route/" + java.util.UUID.randomUUID(), key).status()).isEqualTo(404);
        assertThat(http.post(collection + "/query", json("{'query_embeddings':[[1.0,0.0,0.0]]}")).status())
                .isEqualTo(401);
    }

    private String scrape() {
        Http.Response response = http.get("/actuator/prometheus", "Accept", "text/plain");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        try {
            Files.createDirectories(Path.of("target"));
            // Kept for a person reading a failure: what was exported next to what the files ask for.
            Files.writeString(Path.of("target", "metrics-it-scrape.txt"), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return response.body();
    }

    /** Sample names of the text exposition format: each line that is not a comment starts with one. */
    private static Set<String> exportedNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    /** Every {@code expr} anywhere in the dashboard: panel targets, rows' nested panels, annotations. */
    private static List<String> dashboardExpressions() {
        JsonNode dashboard;
        try {
            dashboard = Http.JSON.readTree(Files.readString(INFRA.resolve("grafana").resolve("quiver-dashboard.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> expressions = new ArrayList<>();
        collectExpressions(dashboard, expressions);
        assertThat(expressions).as("expressions in the dashboard").isNotEmpty();
        return expressions;
    }

    private static void collectExpressions(JsonNode node, List<String> expressions) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getKey().equals("expr") && field.getValue().isString()) {
                    expressions.add(field.getValue().asString());
                } else {
                    collectExpressions(field.getValue(), expressions);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                collectExpressions(element, expressions);
            }
        }
    }

    /** The {@code expr} of every rule of every group in the alert rules. */
    @SuppressWarnings("unchecked")
    private static List<String> alertExpressions() {
        Map<String, Object> rules;
        try (Reader reader = Files.newBufferedReader(INFRA.resolve("prometheus").resolve("alerts.yml"))) {
            rules = new Yaml().load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> expressions = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                expressions.add(String.valueOf(rule.get("expr")));
            }
        }
        assertThat(expressions).as("expressions in the alert rules").isNotEmpty();
        return expressions;
    }
}
