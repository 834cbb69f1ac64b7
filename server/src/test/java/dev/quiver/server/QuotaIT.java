package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static dev.quiver.server.Http.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue #7's quota check: for each enforced quota a tenant fills it to its limit (small limits set by an operator's
 * override), the next write is refused with 422 naming the quota, its limit and the value the write would have
 * reached (problem members on the control plane, Chroma's {@code message} on {@code /api/v2}), and the databases,
 * collections and records are unchanged afterwards. Concurrent creates never pass the collection quota.
 */
class QuotaIT extends OperatedServer {

    @Test
    void databaseQuotaRefusesTheNextDatabaseOnTheControlPlaneAndOnChromaRoutes() {
        Console owner = Console.signUp(http, "owner@databases.example", "Database Quota Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        override(owner, "databases", 2);

        // The tenant starts with default_database; one more fills the quota.
        Http.Response second = http.post("/api/control/v1/databases", json("{'name':'second'}"), owner.headers());
        assertThat(second.status()).as("%s", second).isEqualTo(201);

        Http.Response control = http.post("/api/control/v1/databases", json("{'name':'third'}"), owner.headers());
        assertQuotaProblem(control, "databases", 2, 3);
        assertThat(control.json().path("detail").asString()).isEqualTo("Quota exceeded: 'Number of databases' "
                + "exceeded quota limit for action 'Create Database': current usage of 3 exceeds limit of 2");

        Http.Response chroma = http.post("/api/v2/tenants/" + owner.tenantName() + "/databases",
                json("{'name':'third'}"), key(secret));
        assertChromaRefusal(chroma, "Quota exceeded: 'Number of databases' exceeded quota limit for action "
                + "'Create Database': current usage of 3 exceeds limit of 2");

        assertThat(http.get("/actuator/prometheus").body())
                .containsPattern("quiver_billing_quota_refusals_total\\{quota=\"databases\"} 2\\.0");

        Http.Response listed = http.get("/api/control/v1/databases", owner.cookieOnly());
        assertThat(listed.json().findValuesAsString("name")).containsExactlyInAnyOrder("default_database", "second");

        // Clearing the override restores the plan's limit.
        Http.Response cleared = http.delete("/api/control/v1/operator/tenants/" + owner.tenantId()
                + "/quotas/databases", operator().headers());
        assertThat(cleared.status()).as("%s", cleared).isEqualTo(200);
        assertThat(http.post("/api/control/v1/databases", json("{'name':'third'}"), owner.headers()).status())
                .isEqualTo(201);
    }

    @Test
    void collectionQuotaRefusesTheNextCollectionButGetOrCreateOfAnExistingOneStillAnswers() {
        Console owner = Console.signUp(http, "owner@collections.example", "Collection Quota Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        override(owner, "collections_per_database", 2);
        String collections = collections(owner);

        assertThat(http.post(collections, json("{'name':'one'}"), key(secret)).status()).isEqualTo(200);
        assertThat(http.post(collections, json("{'name':'two'}"), key(secret)).status()).isEqualTo(200);

        Http.Response refused = http.post(collections, json("{'name':'three'}"), key(secret));
        assertChromaRefusal(refused, "Quota exceeded: 'Number of collections' exceeded quota limit for action "
                + "'Create Collection': current usage of 3 exceeds limit of 2");
        assertThat(refused.json().path("quota").asString()).isEqualTo("collections_per_database");
        assertThat(refused.json().path("limit").asLong()).isEqualTo(2);
        assertThat(refused.json().path("current").asLong()).isEqualTo(3);

        Http.Response existing = http.post(collections, json("{'name':'two','get_or_create':true}"), key(secret));
        assertThat(existing.status()).as("%s", existing).isEqualTo(200);
        assertThat(existing.json().path("name").asString()).isEqualTo("two");
        assertThat(http.post(collections, json("{'name':'three','get_or_create':true}"), key(secret)).status())
                .isEqualTo(422);
        assertThat(http.get(collections, key(secret)).json().findValuesAsString("name"))
                .containsExactlyInAnyOrder("one", "two");

        // The plan answer shows the limit, the override and the current value.
        Http.Response plan = http.get("/api/control/v1/plan", owner.cookieOnly());
        assertThat(plan.status()).as("%s", plan).isEqualTo(200);
        JsonNode quota = quota(plan.json(), "collections_per_database");
        assertThat(quota.path("limit").asLong()).isEqualTo(2);
        assertThat(quota.path("overridden").asBoolean()).isTrue();
        assertThat(quota.path("current").asLong()).isEqualTo(2);
    }

    @Test
    void concurrentCreatesNeverPassTheCollectionQuota() throws Exception {
        Console owner = Console.signUp(http, "owner@race.example", "Race Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        override(owner, "collections_per_database", 3);
        String collections = collections(owner);

        List<Callable<Integer>> creates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String name = "racer-" + i;
            creates.add(() -> http.post(collections, json("{'name':'" + name + "'}"), key(secret)).status());
        }
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<Integer> status : pool.invokeAll(creates, 60, TimeUnit.SECONDS)) {
                statuses.add(status.get());
            }
        }

        assertThat(statuses).filteredOn(status -> status == 200).hasSize(3);
        assertThat(statuses).filteredOn(status -> status == 422).hasSize(5);
        assertThat(http.get(collections, key(secret)).json().size()).isEqualTo(3);
    }

    @Test
    void perRecordQuotasRefuseTheWholeBatchAndWriteNothing() {
        Console owner = Console.signUp(http, "owner@records.example", "Record Quota Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        override(owner, "records_per_batch", 2);
        override(owner, "max_dimension", 3);
        override(owner, "document_bytes", 10);
        override(owner, "metadata_keys", 2);
        // "a" + "bcdefgh" (1 + 7 bytes) and "n" + an integer (1 + 8 bytes): 17 bytes.
        override(owner, "metadata_bytes", 17);
        String collections = collections(owner);
        Http.Response created = http.post(collections, json("{'name':'docs'}"), key(secret));
        String records = collections + "/" + created.json().path("id").asString();

        // Exactly at every limit: accepted.
        Http.Response filled = http.post(records + "/add", json("{'ids':['r1','r2'],"
                + "'embeddings':[[1.0,2.0,3.0],[4.0,5.0,6.0]],'documents':['0123456789','short'],"
                + "'metadatas':[{'a':'bcdefgh','n':1},{'a':'b'}]}"), key(secret));
        assertThat(filled.status()).as("%s", filled).isEqualTo(201);

        assertRecordRefusal(http.post(records + "/add", json("{'ids':['x1','x2','x3'],"
                        + "'embeddings':[[1.0,2.0,3.0],[1.0,2.0,3.0],[1.0,2.0,3.0]]}"), key(secret)),
                "Number of records", "Add", 3, 2);
        assertRecordRefusal(http.post(records + "/upsert", json("{'ids':['r1'],'embeddings':[[1.0,2.0,3.0]],"
                        + "'documents':['0123456789é']}"), key(secret)),
                "Document size (bytes)", "Upsert", 12, 10);
        assertRecordRefusal(http.post(records + "/update", json("{'ids':['r2'],"
                        + "'metadatas':[{'a':'b','c':'d','e':'f'}]}"), key(secret)),
                "Number of metadata dictionary keys", "Update", 3, 2);
        assertRecordRefusal(http.post(records + "/update", json("{'ids':['r2'],"
                        + "'metadatas':[{'a':'bcdefghi','n':1}]}"), key(secret)),
                "Metadata size (bytes)", "Update", 18, 17);
        // Patches within the limits on their own that would take r1 (two keys stored) over them once merged.
        assertRecordRefusal(http.post(records + "/update", json("{'ids':['r1'],'metadatas':[{'c':'d'}]}"),
                key(secret)), "Number of metadata dictionary keys", "Update", 3, 2);
        assertRecordRefusal(http.post(records + "/upsert", json("{'ids':['r1'],'embeddings':[[1.0,2.0,3.0]],"
                        + "'metadatas':[{'a':'bcdefghi'}]}"), key(secret)),
                "Metadata size (bytes)", "Upsert", 18, 17);

        // A wider embedding in a fresh collection (so no dimension is fixed yet) is refused by the plan.
        Http.Response wide = http.post(collections, json("{'name':'wide'}"), key(secret));
        assertRecordRefusal(http.post(collections + "/" + wide.json().path("id").asString() + "/add",
                        json("{'ids':['w'],'embeddings':[[1.0,2.0,3.0,4.0]]}"), key(secret)),
                "Embedding dimension", "Add", 4, 3);
        assertThat(http.get(collections + "/" + wide.json().path("id").asString() + "/count", key(secret)).body())
                .isEqualTo("0");

        // Nothing of the refused batches was written.
        assertThat(http.get(records + "/count", key(secret)).body()).isEqualTo("2");
        Http.Response got = http.post(records + "/get", json("{'ids':['r1','r2']}"), key(secret));
        assertThat(got.json().path("documents").toString()).isEqualTo("[\"0123456789\",\"short\"]");
        assertThat(got.json().path("metadatas").get(0).toString()).isEqualTo("{\"a\":\"bcdefgh\",\"n\":1}");
        assertThat(got.json().path("metadatas").get(1).toString()).isEqualTo("{\"a\":\"b\"}");
    }

    /** Chroma's clients size their batches by the pre-flight answer, so a key learns its tenant's batch quota. */
    @Test
    void preFlightTellsAKeyItsTenantsBatchQuota() {
        Console owner = Console.signUp(http, "owner@preflight.example", "Preflight Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();

        Http.Response keyed = http.get("/api/v2/pre-flight-checks", Http.key(secret));
        Http.Response anonymous = http.get("/api/v2/pre-flight-checks");

        assertThat(keyed.status()).isEqualTo(200);
        assertThat(keyed.json().path("max_batch_size").asLong()).isEqualTo(300);
        assertThat(anonymous.json().path("max_batch_size").asLong()).isGreaterThan(300);
    }

    private void assertRecordRefusal(Http.Response response, String label, String action, long current,
            long limit) {
        assertChromaRefusal(response, "Quota exceeded: '" + label + "' exceeded quota limit for action '" + action
                + "': current usage of " + current + " exceeds limit of " + limit);
        assertThat(response.json().path("current").asLong()).isEqualTo(current);
        assertThat(response.json().path("limit").asLong()).isEqualTo(limit);
    }

    private static void assertChromaRefusal(Http.Response response, String message) {
        assertThat(response.status()).as("%s", response).isEqualTo(422);
        assertThat(response.json().path("error").asString()).as("%s", response).isEqualTo("ChromaError");
        assertThat(response.json().path("message").asString()).as("%s", response).isEqualTo(message);
        assertThat(response.json().path("code").asString()).isEqualTo("QUOTA_EXCEEDED");
    }

    private static void assertQuotaProblem(Http.Response response, String quota, long limit, long current) {
        assertThat(response.status()).as("%s", response).isEqualTo(422);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).isEqualTo("urn:quiver:problem:quota-exceeded");
        assertThat(response.json().path("code").asString()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(response.json().path("quota").asString()).isEqualTo(quota);
        assertThat(response.json().path("limit").asLong()).isEqualTo(limit);
        assertThat(response.json().path("current").asLong()).isEqualTo(current);
    }

    private static String collections(Console owner) {
        return "/api/v2/tenants/" + owner.tenantName() + "/databases/default_database/collections";
    }
}
