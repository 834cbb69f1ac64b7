package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static dev.quiver.server.Http.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.common.TenantId;
import dev.quiver.search.counter.LogRecount;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Issue #7's counted quotas: records per collection and storage bytes. Both are checked against counters every write
 * keeps in the transaction that logs it; a refused write logs and counts nothing. Limits are small operator
 * overrides. A record's bytes are its id, 4 bytes a dimension, its document and URI (UTF-8) and its metadata.
 */
class CollectionQuotaIT extends OperatedServer {

    @Autowired
    JdbcClient jdbc;

    /** The search module's start-up recount (internal to it; the test runs it on demand instead of restarting). */
    @Autowired
    LogRecount recount;

    @Test
    void recordQuotaRefusesTheRecordPastTheLimitButAcceptsRewritesOfExistingIdsAndDeletesFreeRoom() {
        Console owner = Console.signUp(http, "owner@records-per-collection.example", "Records Per Collection Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        override(owner, "records_per_collection", 20);
        String records = collection(owner, secret, "full");

        assertThat(http.post(records + "/add", batch("r", 0, 15), key(secret)).status()).isEqualTo(201);
        assertThat(http.post(records + "/add", batch("r", 15, 5), key(secret)).status()).isEqualTo(201);

        Http.Response refused = http.post(records + "/add", batch("r", 19, 2), key(secret));
        assertRefusal(refused, "records_per_collection", "Quota exceeded: 'Collection size (records)' exceeded "
                + "quota limit for action 'Add': current usage of 21 exceeds limit of 20", 20, 21);
        assertRefusal(http.post(records + "/upsert", batch("r", 18, 3), key(secret)), "records_per_collection",
                "Quota exceeded: 'Collection size (records)' exceeded quota limit for action 'Upsert': current "
                        + "usage of 21 exceeds limit of 20", 20, 21);
        assertThat(http.get(records + "/count", key(secret)).body()).isEqualTo("20");
        assertThat(http.post(records + "/get", json("{'ids':['r20']}"), key(secret)).json().path("ids").size())
                .isZero();

        // At the limit, writes that create nothing pass: an add of existing ids (ignored), an upsert and an update.
        assertThat(http.post(records + "/add", batch("r", 0, 3), key(secret)).status()).isEqualTo(201);
        assertThat(http.post(records + "/upsert", batch("r", 10, 10), key(secret)).status()).isEqualTo(200);
        assertThat(http.post(records + "/update", json("{'ids':['r1'],'documents':['changed']}"), key(secret))
                .status()).isEqualTo(200);

        Http.Response plan = http.get("/api/control/v1/plan", owner.cookieOnly());
        JsonNode quota = quota(plan.json(), "records_per_collection");
        assertThat(quota.path("limit").asLong()).isEqualTo(20);
        assertThat(quota.path("current").asLong()).isEqualTo(20);

        // A delete frees room for as many records as it removed (unknown ids free nothing).
        Http.Response deleted = http.post(records + "/delete", json("{'ids':['r0','r1','nothing']}"), key(secret));
        assertThat(deleted.status()).as("%s", deleted).isEqualTo(200);
        assertThat(http.post(records + "/add", batch("n", 0, 2), key(secret)).status()).isEqualTo(201);
        assertThat(http.post(records + "/add", batch("n", 2, 1), key(secret)).status()).isEqualTo(422);
        assertThat(http.get(records + "/count", key(secret)).body()).isEqualTo("20");
    }

    @Test
    void storageQuotaCountsEveryCollectionOfTheTenantAndRefusedWritesLeaveTheCounterUnchanged() {
        Console owner = Console.signUp(http, "owner@storage.example", "Storage Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        override(owner, "storage_bytes", 50);
        String first = collection(owner, secret, "first");
        String second = collection(owner, secret, "second");

        // "s1" + 3 floats + "hello": 2 + 12 + 5 = 19 bytes each.
        assertThat(http.post(first + "/add", json("{'ids':['s1','s2'],'embeddings':[[1,2,3],[4,5,6]],"
                + "'documents':['hello','hello']}"), key(secret)).status()).isEqualTo(201);
        assertThat(storage(owner)).isEqualTo(38);

        Http.Response refused = http.post(first + "/add", json("{'ids':['s3'],'embeddings':[[1,2,3]],"
                + "'documents':['hello']}"), key(secret));
        assertRefusal(refused, "storage_bytes", "Quota exceeded: 'Storage size (bytes)' exceeded quota limit for "
                + "action 'Add': current usage of 57 exceeds limit of 50", 50, 57);
        // The tenant's bytes count, not the collection's: "t" + 3 floats is 13 bytes.
        assertRefusal(http.post(second + "/add", json("{'ids':['t'],'embeddings':[[1,2,3]]}"), key(secret)),
                "storage_bytes", "Quota exceeded: 'Storage size (bytes)' exceeded quota limit for action 'Add': "
                        + "current usage of 51 exceeds limit of 50", 50, 51);
        // An update that grows a record counts its growth: "hello" becomes 18 bytes, 13 more.
        assertRefusal(http.post(first + "/update", json("{'ids':['s1'],'documents':['hello, world, hi!!']}"),
                key(secret)), "storage_bytes", "Quota exceeded: 'Storage size (bytes)' exceeded quota limit for "
                + "action 'Update': current usage of 51 exceeds limit of 50", 50, 51);
        assertThat(storage(owner)).isEqualTo(38);
        assertThat(http.get(first + "/count", key(secret)).body()).isEqualTo("2");
        assertThat(http.get(second + "/count", key(secret)).body()).isEqualTo("0");

        // A delete frees its records' bytes for every collection of the tenant.
        assertThat(http.post(first + "/delete", json("{'ids':['s2']}"), key(secret)).status()).isEqualTo(200);
        assertThat(http.post(second + "/add", json("{'ids':['t'],'embeddings':[[1,2,3]]}"), key(secret)).status())
                .isEqualTo(201);
        assertThat(storage(owner)).isEqualTo(32);

        Http.Response tenant = http.get("/api/control/v1/operator/tenants/" + owner.tenantId(),
                operator().headers());
        assertThat(tenant.json().path("usage").path("stored_bytes").asLong()).as("%s", tenant).isEqualTo(32);
        assertThat(tenant.json().path("usage").path("records").asLong()).isEqualTo(2);
    }

    /**
     * Concurrent writes to different collections of one tenant each check the tenant's sum: the storage lock makes
     * them check one after another, so together they never pass the limit.
     */
    @Test
    void concurrentWritesToDifferentCollectionsNeverPassTheStorageQuota() throws Exception {
        Console owner = Console.signUp(http, "owner@storage-race.example", "Storage Race Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        // Each write is "s" + 3 floats + "hello": 1 + 12 + 5 = 18 bytes; 5 fit in 100.
        override(owner, "storage_bytes", 100);
        List<Callable<Integer>> writes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String records = collection(owner, secret, "racer-" + i);
            writes.add(() -> http.post(records + "/add", json("{'ids':['s'],'embeddings':[[1,2,3]],"
                    + "'documents':['hello']}"), key(secret)).status());
        }
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<Integer> status : pool.invokeAll(writes, 60, TimeUnit.SECONDS)) {
                statuses.add(status.get());
            }
        }

        assertThat(statuses).filteredOn(status -> status == 201).hasSize(5);
        assertThat(statuses).filteredOn(status -> status == 422).hasSize(3);
        assertThat(storage(owner)).isEqualTo(90);
    }

    /**
     * Add with a repeated id, upsert of an existing and a new id, update of an existing and an unknown id, delete
     * of an existing and an unknown id: the counters follow what the collection holds, byte for byte.
     */
    @Test
    void countersAreExactAfterAMixOfAddUpsertUpdateAndDelete() {
        Console owner = Console.signUp(http, "owner@counters.example", "Counters Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        String records = collection(owner, secret, "mixed");

        // a: 1 + 8 + 3 = 12, b: 12; the second "a" is ignored.
        assertThat(http.post(records + "/add", json("{'ids':['a','b','a'],'embeddings':[[1,1],[2,2],[3,3]],"
                + "'documents':['one','two','ignored']}"), key(secret)).status()).isEqualTo(201);
        assertCounters(owner, 2, 24);

        // b: 1 + 8 + 6 = 15 (3 more); c: 1 + 8 + metadata "k" and an integer (9) = 18.
        assertThat(http.post(records + "/upsert", json("{'ids':['b','c'],'embeddings':[[1,1],[0,0]],"
                + "'documents':['second',null],'metadatas':[null,{'k':1}]}"), key(secret)).status())
                .isEqualTo(200);
        assertCounters(owner, 3, 45);

        // a gains metadata "tag": "x" (4 bytes); "zz" does not exist and is ignored.
        assertThat(http.post(records + "/update", json("{'ids':['a','zz'],'metadatas':[{'tag':'x'},{'tag':'y'}]}"),
                key(secret)).status()).isEqualTo(200);
        assertCounters(owner, 3, 49);

        // b goes (15 bytes); "nothing" frees nothing.
        assertThat(http.post(records + "/delete", json("{'ids':['b','nothing']}"), key(secret)).status())
                .isEqualTo(200);
        assertCounters(owner, 2, 34);
        assertThat(http.get(records + "/count", key(secret)).body()).isEqualTo("2");

        // Deleting the collection drops its counters, and its sizes: a new collection of the name starts empty.
        String collections = "/api/v2/tenants/" + owner.tenantName() + "/databases/default_database/collections";
        assertThat(http.delete(collections + "/mixed", key(secret)).status()).isEqualTo(200);
        assertCounters(owner, 0, 0);
        String again = collection(owner, secret, "mixed");
        assertThat(http.post(again + "/add", json("{'ids':['a'],'embeddings':[[1,1]]}"), key(secret)).status())
                .isEqualTo(201);
        assertCounters(owner, 1, 9);
    }

    /**
     * An upgrade: a collection whose log was written before the counters existed (simulated by clearing what the
     * writes counted) is counted from its log, once, and writes after that count from there.
     */
    @Test
    void collectionsLoggedBeforeTheCountersAreCountedFromTheirLogs() {
        Console owner = Console.signUp(http, "owner@upgrade.example", "Upgrade Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        String records = collection(owner, secret, "old");
        String id = records.substring(records.lastIndexOf('/') + 1);
        assertThat(http.post(records + "/add", json("{'ids':['a','b','a'],'embeddings':[[1,1],[2,2],[3,3]],"
                + "'documents':['one','two','ignored']}"), key(secret)).status()).isEqualTo(201);
        assertThat(http.post(records + "/upsert", json("{'ids':['b','c'],'embeddings':[[1,1],[0,0]],"
                + "'documents':['second',null],'metadatas':[null,{'k':1}]}"), key(secret)).status())
                .isEqualTo(200);
        assertThat(http.post(records + "/delete", json("{'ids':['b']}"), key(secret)).status()).isEqualTo(200);
        assertCounters(owner, 2, 30);

        jdbc.sql("update quiver.collections set record_count = 0, stored_bytes = 0, counted = false where id = :id")
                .param("id", UUID.fromString(id)).update();
        jdbc.sql("delete from " + new TenantId(UUID.fromString(owner.tenantId())).schemaName()
                + ".record_sizes where collection_id = :id").param("id", UUID.fromString(id)).update();
        assertCounters(owner, 0, 0);

        recount.recountAll();

        assertCounters(owner, 2, 30);
        // The sizes are back too: an add of an existing id counts nothing, a delete frees its bytes.
        assertThat(http.post(records + "/add", json("{'ids':['a'],'embeddings':[[5,5]]}"), key(secret)).status())
                .isEqualTo(201);
        assertThat(http.post(records + "/delete", json("{'ids':['c']}"), key(secret)).status()).isEqualTo(200);
        assertCounters(owner, 1, 12);
        recount.recountAll();
        assertCounters(owner, 1, 12);
    }

    private void assertCounters(Console owner, long records, long bytes) {
        JsonNode plan = http.get("/api/control/v1/plan", owner.cookieOnly()).json();
        assertThat(quota(plan, "records_per_collection").path("current").asLong()).as("%s", plan)
                .isEqualTo(records);
        assertThat(quota(plan, "storage_bytes").path("current").asLong()).as("%s", plan).isEqualTo(bytes);
    }

    private long storage(Console owner) {
        return quota(http.get("/api/control/v1/plan", owner.cookieOnly()).json(), "storage_bytes").path("current")
                .asLong();
    }

    /** {@code count} records with ids {@code prefix + i} from {@code from} on, each with a 2-float vector. */
    private static String batch(String prefix, int from, int count) {
        List<String> ids = new ArrayList<>();
        List<String> embeddings = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            ids.add("'" + prefix + i + "'");
            embeddings.add("[" + i + ",1]");
        }
        return json("{'ids':" + ids + ",'embeddings':" + embeddings + "}");
    }

    private String collection(Console owner, String secret, String name) {
        String collections = "/api/v2/tenants/" + owner.tenantName() + "/databases/default_database/collections";
        Http.Response created = http.post(collections, json("{'name':'" + name + "'}"), key(secret));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        return collections + "/" + created.json().path("id").asString();
    }

    private static void assertRefusal(Http.Response response, String quota, String message, long limit,
            long current) {
        assertThat(response.status()).as("%s", response).isEqualTo(422);
        assertThat(response.json().path("error").asString()).as("%s", response).isEqualTo("ChromaError");
        assertThat(response.json().path("message").asString()).isEqualTo(message);
        assertThat(response.json().path("code").asString()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(response.json().path("quota").asString()).isEqualTo(quota);
        assertThat(response.json().path("limit").asLong()).isEqualTo(limit);
        assertThat(response.json().path("current").asLong()).isEqualTo(current);
    }
}
