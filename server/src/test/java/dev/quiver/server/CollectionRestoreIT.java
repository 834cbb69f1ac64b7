package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static dev.quiver.server.Http.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quiver.QuiverApplication;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Restoring a collection as of a past time (issue #8): checkpoints every second and a log retention of an hour, on a
 * server clock the test moves forward, so a checkpoint can be older than the retention without waiting an hour.
 * Batches are written before and after a checkpoint, with updates and deletes of records the checkpoint holds; the
 * time restored is the log's own {@code created_at} of one batch, and the expected records are what the source
 * answered right after that batch.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {StandaloneContext.AUTHENTICATED, "quiver.search.checkpoint-interval=1s",
                "quiver.search.commit-interval=1s", "quiver.search.log-retention=1h",
                "quiver.tenant.bootstrap.operator-password=" + OperatedServer.OPERATOR_PASSWORD})
@Import(CollectionRestoreIT.MoveClock.class)
class CollectionRestoreIT extends StandaloneContext {

    private static final String COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections";
    private static final String CONTROL = "/api/control/v1/databases/default_database/collections/";
    private static final String EVERYTHING = "{'include':['documents','metadatas','embeddings','uris']}";

    @LocalServerPort
    int port;

    @Autowired
    MovableClock clock;

    @Autowired
    JdbcClient jdbc;

    Http http;

    /** Made once per class, as the context and its database live as long as the class (see TenantIsolationIT). */
    static String ownerKey;
    static String otherKey;
    static int lastPort;

    @BeforeEach
    void tenants() {
        http = new Http(port);
        if (port == lastPort) {
            return;
        }
        lastPort = port;
        ownerKey = Console.signUp(http, "owner@restore.example", "Restore Org").mint(http, "owner", "owner", null)
                .path("key").asString();
        otherKey = Console.signUp(http, "owner@other.example", "Other Org").mint(http, "other", "owner", null)
                .path("key").asString();
    }

    @Test
    void restoredCollectionEqualsTheSourceAsOfATimeBetweenBatchesAcrossACheckpointAndAfterTruncation() {
        String source = create("source");
        // Before the first checkpoint: records that later batches update and delete.
        write(source, "add", "{'ids':['r0','r1','r2','r3','r4'],'embeddings':[[0,0,1],[0,1,0],[1,0,0],[1,1,0],"
                + "[0,1,1]],'documents':['zero','one','two','three','four'],'metadatas':[{'n':0,'tag':'a'},"
                + "{'n':1,'tag':'b'},{'n':2},{'n':3,'tag':'c'},{'n':4}]}");
        write(source, "add", "{'ids':['r5','r6'],'embeddings':[[1,0,1],[1,1,1]],'documents':['five','six']}");
        write(source, "upsert", "{'ids':['r5'],'embeddings':[[2,0,2]],'metadatas':[{'n':5}]}");
        long first = position(source);
        long firstCheckpoint = awaitCheckpoint(source, first);

        // An hour and more later: updates and deletes of checkpointed records, then the time restored.
        clock.advance(Duration.ofHours(2));
        write(source, "update", "{'ids':['r1'],'documents':['one, updated'],'metadatas':[{'tag':null,'m':1.5}]}");
        write(source, "delete", "{'ids':['r2','r3']}");
        write(source, "add", "{'ids':['r7','r8'],'embeddings':[[3,1,0],[0,3,1]],'uris':['u7','u8']}");
        long restored = position(source);
        JsonNode expected = get(source);
        Instant asOf = appendedAt(source, restored);

        // After the time: a record of the checkpoint deleted, one updated, one added, one added earlier upserted.
        write(source, "delete", "{'ids':['r4']}");
        write(source, "update", "{'ids':['r0'],'embeddings':[[9,9,9]],'documents':['zero, updated']}");
        write(source, "add", "{'ids':['r9'],'embeddings':[[4,4,4]]}");
        write(source, "upsert", "{'ids':['r7'],'embeddings':[[5,5,5]],'documents':['seven']}");
        long last = position(source);
        JsonNode sourceAfter = get(source);
        awaitCheckpoint(source, last);
        // The retention has passed for the first checkpoint only: the log up to it goes, the later one stays.
        await().atMost(Duration.ofSeconds(30)).until(() -> firstLogSequence(source) > firstCheckpoint);

        Http.Response response = restore("source", "{'as_of':'" + asOf + "','name':'restored'}", ownerKey);

        assertThat(response.status()).as("%s", response).isEqualTo(201);
        String restoredId = response.json().path("id").asString();
        assertThat(response.json().path("log_position").asLong()).isEqualTo(restored);
        JsonNode actual = get(restoredId);
        assertThat(actual.path("ids")).isEqualTo(expected.path("ids"));
        assertThat(actual.path("documents")).isEqualTo(expected.path("documents"));
        assertThat(actual.path("metadatas")).isEqualTo(expected.path("metadatas"));
        assertThat(actual.path("embeddings")).isEqualTo(expected.path("embeddings"));
        assertThat(actual.path("uris")).isEqualTo(expected.path("uris"));
        assertThat(ids(actual)).contains("r4", "r1").doesNotContain("r9", "r2", "r3");
        assertThat(http.get(COLLECTIONS + "/" + restoredId + "/count", key(ownerKey)).body())
                .isEqualTo(String.valueOf(expected.path("ids").size()));

        // Counters: exactly what writing the same records into a new collection counts.
        String oracle = create("oracle");
        write(oracle, "add", "{'ids':" + expected.path("ids") + ",'embeddings':" + expected.path("embeddings")
                + ",'documents':" + expected.path("documents") + ",'metadatas':" + expected.path("metadatas")
                + ",'uris':" + expected.path("uris") + "}");
        assertThat(counters(restoredId)).isEqualTo(counters(oracle));
        assertThat(response.json().path("records").asLong()).isEqualTo(expected.path("ids").size());
        assertThat(response.json().path("stored_bytes").asLong()).isEqualTo(counters(oracle)[1]);
        assertThat(sizes(restoredId)).isEqualTo(expected.path("ids").size());

        // The source is unchanged, and the new collection takes writes that count from the restored counters.
        assertThat(position(source)).isEqualTo(last);
        assertThat(get(source)).isEqualTo(sourceAfter);
        write(restoredId, "delete", "{'ids':['r4']}");
        write(oracle, "delete", "{'ids':['r4']}");
        assertThat(counters(restoredId)).isEqualTo(counters(oracle));

        // A time before the oldest kept checkpoint is outside the retention now, and the refusal names the earliest.
        Http.Response tooEarly = restore("source", "{'as_of':'" + checkpointTime(source, firstCheckpoint)
                .minusSeconds(1) + "','name':'too-early'}", ownerKey);
        assertRefused(tooEarly, 400, "as_of", "retention");
        assertThat(tooEarly.json().path("detail").asString()).contains(checkpointTime(source, firstCheckpoint)
                .toString());
    }

    @Test
    void restoresIntoAnotherDatabaseOfTheTenantAsOfTheLastBatch() {
        String source = create("whole-log");
        write(source, "add", "{'ids':['a','b'],'embeddings':[[1,2,3],[4,5,6]],'metadatas':[{'k':'v'},null]}");
        long position = position(source);
        JsonNode expected = get(source);
        assertThat(http.post("/api/control/v1/databases", json("{'name':'copies'}"), key(ownerKey)).status())
                .isEqualTo(201);

        Http.Response response = restore("whole-log", "{'as_of':'" + appendedAt(source, position)
                + "','name':'whole-log-copy','database':'copies'}", ownerKey);

        assertThat(response.status()).as("%s", response).isEqualTo(201);
        assertThat(response.json().path("database").asString()).isEqualTo("copies");
        JsonNode actual = http.post("/api/v2/tenants/default_tenant/databases/copies/collections/"
                + response.json().path("id").asString() + "/get", json(EVERYTHING), key(ownerKey)).json();
        assertThat(actual).isEqualTo(expected);

        // As of the collection's creation, before its first batch: an empty collection with no dimension yet.
        Http.Response empty = restore("whole-log", "{'as_of':'" + createdAt(source) + "','name':'whole-log-empty'}",
                ownerKey);
        assertThat(empty.status()).as("%s", empty).isEqualTo(201);
        assertThat(empty.json().path("log_position").asLong()).isZero();
        assertThat(empty.json().path("records").asLong()).isZero();
        assertThat(empty.json().path("dimension").isNull()).isTrue();
        assertThat(http.get(COLLECTIONS + "/" + empty.json().path("id").asString() + "/count", key(ownerKey))
                .body()).isEqualTo("0");
    }

    @Test
    void restoreIsAuditedAndDocumentedInTheOpenApi() {
        String source = create("audited");
        write(source, "add", "{'ids':['a'],'embeddings':[[1,1,1]]}");

        assertThat(restore("audited", "{'as_of':'" + clock.instant() + "','name':'audited-copy'}", ownerKey)
                .status()).isEqualTo(201);

        assertThat(http.get("/api/control/v1/audit", key(ownerKey)).body())
                .contains("collection.restored", "collection:default_database/audited-copy");
        assertThat(http.get("/api/control/v1/openapi.json").json().path("paths")
                .has("/api/control/v1/databases/{database}/collections/{collection}/restore")).isTrue();
    }

    @Test
    void restoreCountsAgainstTheCollectionAndStorageQuotasWithTheQuotaBody() {
        Console tenant = Console.signUp(http, "owner@quota-restore.example", "Quota Restore Org");
        String secret = tenant.mint(http, "app", "owner", null).path("key").asString();
        Http.Response created = http.post(COLLECTIONS, json("{'name':'counted'}"), key(secret));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        assertThat(http.post(COLLECTIONS + "/" + created.json().path("id").asString() + "/add",
                json("{'ids':['abc'],'embeddings':[[1,1,1]],'documents':['0123456789']}"), key(secret)).status())
                .isEqualTo(201);
        int collections = collectionCount();

        override(tenant, "collections_per_database", 1);
        Http.Response tooMany = restore("counted", "{'as_of':'" + clock.instant() + "','name':'counted-copy'}",
                secret);
        assertQuota(tooMany, "collections_per_database", 1, 2);

        override(tenant, "collections_per_database", 10);
        // The source holds 3 + 12 + 10 bytes; a copy would double them.
        override(tenant, "storage_bytes", 40);
        Http.Response tooBig = restore("counted", "{'as_of':'" + clock.instant() + "','name':'counted-copy'}",
                secret);
        assertQuota(tooBig, "storage_bytes", 40, 50);
        assertThat(collectionCount()).isEqualTo(collections);

        override(tenant, "storage_bytes", 50);
        assertThat(restore("counted", "{'as_of':'" + clock.instant() + "','name':'counted-copy'}", secret).status())
                .isEqualTo(201);
    }

    @Test
    void refusesATimeInTheFutureBeforeCreationMissingOrMalformedAndATakenNameWithNothingWritten() {
        String source = create("refusals");
        write(source, "add", "{'ids':['x'],'embeddings':[[1,1,1]]}");
        Instant created = createdAt(source);
        int collections = collectionCount();

        assertRefused(restore("refusals", "{'as_of':'" + clock.instant().plusSeconds(3600) + "','name':'new-1'}",
                ownerKey), 400, "as_of", "past");
        Http.Response beforeCreation = restore("refusals", "{'as_of':'" + created.minusSeconds(60)
                + "','name':'new-2'}", ownerKey);
        assertRefused(beforeCreation, 400, "as_of", "retention");
        assertThat(beforeCreation.json().path("detail").asString()).contains(created.toString());
        assertRefused(restore("refusals", "{'name':'new-3'}", ownerKey), 400, "as_of", "required");
        assertRefused(restore("refusals", "{'as_of':'yesterday','name':'new-4'}", ownerKey), 400, "as_of",
                "date-time");
        assertRefused(restore("refusals", "{'as_of':'" + clock.instant() + "'}", ownerKey), 400, "name",
                "required");
        assertThat(restore("refusals", "{'as_of':'" + clock.instant() + "','name':'refusals'}", ownerKey).status())
                .isEqualTo(409);
        assertThat(restore("refusals", "{'as_of':'" + clock.instant() + "','name':'new-5','database':'nowhere'}",
                ownerKey).status()).isEqualTo(404);

        assertThat(collectionCount()).isEqualTo(collections);
    }

    @Test
    void anotherTenantsCollectionIsNotFoundAndNothingIsRestored() {
        create("private");
        int collections = collectionCount();

        Http.Response response = restore("private", "{'as_of':'" + clock.instant() + "','name':'stolen'}", otherKey);

        assertThat(response.status()).as("%s", response).isEqualTo(404);
        assertThat(response.json().path("code").asString()).isEqualTo("COLLECTION_NOT_FOUND");
        assertThat(restore("private", "{'as_of':'" + clock.instant() + "','name':'stolen','database':"
                + "'default_database'}", otherKey).status()).isEqualTo(404);
        assertThat(collectionCount()).isEqualTo(collections);
    }

    private String create(String name) {
        Http.Response created = http.post(COLLECTIONS, json("{'name':'" + name + "'}"), key(ownerKey));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        return created.json().path("id").asString();
    }

    private void write(String collection, String operation, String body) {
        Http.Response response = http.post(COLLECTIONS + "/" + collection + "/" + operation, json(body),
                key(ownerKey));
        assertThat(response.status()).as("%s %s", operation, response).isBetween(200, 201);
    }

    private JsonNode get(String collection) {
        Http.Response response = http.post(COLLECTIONS + "/" + collection + "/get", json(EVERYTHING), key(ownerKey));
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json();
    }

    private Http.Response restore(String collection, String body, String apiKey) {
        return http.post(CONTROL + collection + "/restore", json(body), key(apiKey));
    }

    private static List<String> ids(JsonNode records) {
        List<String> ids = new ArrayList<>();
        records.path("ids").forEach(id -> ids.add(id.asString()));
        return ids;
    }

    private long position(String collection) {
        return jdbc.sql("select log_position from quiver.collections where id = :id")
                .param("id", UUID.fromString(collection))
                .query(Long.class)
                .single();
    }

    private Instant createdAt(String collection) {
        return jdbc.sql("select created_at from quiver.collections where id = :id")
                .param("id", UUID.fromString(collection))
                .query((rs, row) -> rs.getTimestamp(1).toInstant())
                .single();
    }

    private long[] counters(String collection) {
        return jdbc.sql("select record_count, stored_bytes from quiver.collections where id = :id")
                .param("id", UUID.fromString(collection))
                .query((rs, row) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
    }

    private long sizes(String collection) {
        return jdbc.sql("select count(*) from " + schema(collection) + ".record_sizes where collection_id = :id")
                .param("id", UUID.fromString(collection))
                .query(Long.class)
                .single();
    }

    private int collectionCount() {
        return jdbc.sql("select count(*) from quiver.collections").query(Integer.class).single();
    }

    private long awaitCheckpoint(String collection, long sequence) {
        await().atMost(Duration.ofSeconds(30)).until(() -> newestCheckpoint(collection) >= sequence);
        return newestCheckpoint(collection);
    }

    private long newestCheckpoint(String collection) {
        return jdbc.sql("select coalesce(max(sequence), 0) from quiver.shard_checkpoints where collection_id = :id")
                .param("id", UUID.fromString(collection))
                .query(Long.class)
                .single();
    }

    private Instant checkpointTime(String collection, long sequence) {
        return jdbc.sql("select created_at from quiver.shard_checkpoints where collection_id = :id "
                        + "and sequence = :sequence")
                .param("id", UUID.fromString(collection))
                .param("sequence", sequence)
                .query((rs, row) -> rs.getTimestamp(1).toInstant())
                .single();
    }

    private Instant appendedAt(String collection, long sequence) {
        return jdbc.sql("select created_at from " + schema(collection) + ".wal where collection_id = :id "
                        + "and sequence = :sequence")
                .param("id", UUID.fromString(collection))
                .param("sequence", sequence)
                .query((rs, row) -> rs.getTimestamp(1).toInstant())
                .single();
    }

    private long firstLogSequence(String collection) {
        return jdbc.sql("select coalesce(min(sequence), 0) from " + schema(collection) + ".wal "
                        + "where collection_id = :id")
                .param("id", UUID.fromString(collection))
                .query(Long.class)
                .single();
    }

    private String schema(String collection) {
        UUID tenant = jdbc.sql("select tenant_id from quiver.collections where id = :id")
                .param("id", UUID.fromString(collection))
                .query(UUID.class)
                .single();
        return "t_" + tenant.toString().replace("-", "");
    }

    /** Sets an override of {@code quota} for the tenant, as the bootstrap operator. */
    private void override(Console tenant, String quota, long limit) {
        Http.Response loggedIn = http.post("/api/control/v1/login", json("{'email':'operator@quiver.local',"
                + "'password':'" + OperatedServer.OPERATOR_PASSWORD + "'}"));
        assertThat(loggedIn.status()).as("%s", loggedIn).isEqualTo(200);
        Http.Response response = http.put("/api/control/v1/operator/tenants/" + tenant.tenantId() + "/quotas/"
                + quota, json("{'limit':" + limit + "}"), Console.from(loggedIn).headers());
        assertThat(response.status()).as("%s", response).isEqualTo(200);
    }

    private static void assertQuota(Http.Response response, String quota, long limit, long current) {
        assertThat(response.status()).as("%s", response).isEqualTo(422);
        assertThat(response.json().path("code").asString()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(response.json().path("quota").asString()).isEqualTo(quota);
        assertThat(response.json().path("limit").asLong()).isEqualTo(limit);
        assertThat(response.json().path("current").asLong()).isEqualTo(current);
    }

    private static void assertRefused(Http.Response response, int status, String field, String rule) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertThat(response.json().path("errors").get(0).path("field").asString()).as("%s", response)
                .isEqualTo(field);
        assertThat(response.json().path("errors").get(0).path("rule").asString()).as("%s", response)
                .isEqualTo(rule);
    }

    /** The system clock, moved forward by the test: time still passes, so log entries keep distinct times. */
    static final class MovableClock extends Clock {

        private volatile Duration offset = Duration.ZERO;

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the test clock is UTC only");
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class MoveClock {

        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock();
        }
    }
}
