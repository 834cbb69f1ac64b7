package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static dev.quiver.server.Http.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quiver.common.QuiverException;
import dev.quiver.gateway.api.ConsoleQuery;
import dev.quiver.gateway.api.Neighbour;
import dev.quiver.gateway.api.NewCollection;
import dev.quiver.gateway.api.Workspace;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.LoggedWrite;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.api.WriteListener;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.SignUp;
import dev.quiver.tenant.api.TenantCatalog;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Issue #7's metering check: a known sequence of writes and reads, rolled up, gives exactly the units the formulas
 * predict, per hour and per day, on the tenant's usage route, the operator's and the console's page; the console's
 * reads are metered as the Chroma routes' are; a write whose transaction rolls back is metered not at all; a backlog
 * of several roll-up chunks sums exactly into UTC hours and days; a tenant sees only its own usage, and bad input is
 * refused naming the field.
 *
 * <p>The roll-up and the read flush run every few hundred milliseconds here, so the test waits for the rolled-up
 * totals rather than calling internals. Storage is sampled hourly here, so no storage sample falls inside the test.
 */
@TestPropertySource(properties = {"quiver.billing.rollup-interval=200ms", "quiver.billing.read-flush-interval=100ms",
        "quiver.billing.storage-sample-interval=1h"})
class MeteringIT extends OperatedServer {

    private static final int DIMENSION = 256;
    private static final int SEARCH_EF = 100;
    private static final String USAGE = "/api/control/v1/usage";

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    List<WriteListener> listeners;

    @Autowired
    TenantCatalog tenants;

    @Autowired
    CollectionCatalog collections;

    @Autowired
    Workspace workspace;

    @Autowired
    Accounts accounts;

    @Autowired
    RecordStore records;

    @Test
    void knownSequenceOfWritesAndReadsRollsUpToExactlyTheUnitsTheFormulasGive() {
        Console owner = Console.signUp(http, "owner@metered.example", "Metered Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        String base = "/api/v2/tenants/" + owner.tenantName() + "/databases/default_database/collections";
        Http.Response created = http.post(base, json("{'name':'metered','configuration':{'hnsw':{'ef_search':"
                + SEARCH_EF + "}}}"), key(secret));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        String collection = created.json().path("id").asString();
        String records = base + "/" + collection;
        Random random = new Random(7);

        // Writes: three batches, then one delete; each logs one entry, metered by its size.
        assertThat(http.post(records + "/add", batch(0, 20, DIMENSION, random), key(secret)).status())
                .isEqualTo(201);
        assertThat(http.post(records + "/add", batch(20, 5, DIMENSION, random), key(secret)).status())
                .isEqualTo(201);
        assertThat(http.post(records + "/upsert", batch(0, 3, DIMENSION, random), key(secret)).status())
                .isEqualTo(200);
        // Refused (wrong dimension): nothing is logged, nothing metered.
        assertThat(http.post(records + "/add", batch(100, 2, 3, random), key(secret)).status()).isEqualTo(400);
        Http.Response deleted = http.post(records + "/delete", json("{'ids':['r-0','r-1']}"), key(secret));
        assertThat(deleted.status()).as("%s", deleted).isEqualTo(200);

        // Reads: 23 records remain.
        long expectedRead = 0;
        // Two query vectors, 5 neighbours each: per vector ceil(100 x 256 / 16384) = 2, plus 10 records.
        Http.Response query = http.post(records + "/query", json("{'query_embeddings':[" + vector(random)
                + "," + vector(random) + "],'n_results':5,'include':[]}"), key(secret));
        assertThat(query.status()).as("%s", query).isEqualTo(200);
        assertThat(query.json().path("ids").get(0).size()).isEqualTo(5);
        expectedRead += 2 * 2 + 10;
        // One vector asking 150 neighbours: Lucene scans k = 150, ceil(150 x 256 / 16384) = 3, plus the 23 found.
        Http.Response wide = http.post(records + "/query", json("{'query_embeddings':[" + vector(random)
                + "],'n_results':150,'include':[]}"), key(secret));
        assertThat(wide.json().path("ids").get(0).size()).as("%s", wide).isEqualTo(23);
        expectedRead += 3 + 23;
        // A get of 7 records, a get that finds nothing (still 1), a count (1), and a query of 0 results (1).
        assertThat(http.post(records + "/get", json("{'limit':7,'include':[]}"), key(secret)).json().path("ids")
                .size()).isEqualTo(7);
        expectedRead += 7;
        assertThat(http.post(records + "/get", json("{'ids':['missing']}"), key(secret)).json().path("ids")
                .size()).isZero();
        expectedRead += 1;
        assertThat(http.get(records + "/count", key(secret)).body()).isEqualTo("23");
        expectedRead += 1;
        assertThat(http.post(records + "/query", json("{'query_embeddings':[" + vector(random)
                + "],'n_results':0}"), key(secret)).status()).isEqualTo(200);
        expectedRead += 1;

        // The log holds exactly the four accepted batches; their sizes are the logged bytes.
        List<Integer> logged = jdbc.sql("select octet_length(payload) from t_" + owner.tenantId().replace("-", "")
                        + ".wal where collection_id = :collection order by sequence")
                .param("collection", UUID.fromString(collection))
                .query(Integer.class).list();
        assertThat(logged).hasSize(4);
        long expectedWrite = 0;
        for (int bytes : logged) {
            expectedWrite += (bytes + 1023) / 1024;
        }
        assertThat(expectedWrite).as("the batches span several write units").isGreaterThan(4);
        long read = expectedRead;
        long write = expectedWrite;

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTotals(
                http.get(USAGE + "?granularity=hour", owner.cookieOnly()), read, write));
        // Once everything is rolled up the outbox is empty and a later roll-up adds nothing.
        await().atMost(Duration.ofSeconds(30)).until(() -> pending(owner.tenantId()) == 0);
        Http.Response hourly = http.get(USAGE + "?granularity=hour", owner.cookieOnly());
        Http.Response daily = http.get(USAGE, key(secret));
        assertTotals(hourly, read, write);
        assertTotals(daily, read, write);
        assertThat(daily.json().path("granularity").asString()).isEqualTo("day");
        assertRowsAligned(hourly.json(), ChronoUnit.HOURS, collection);
        assertRowsAligned(daily.json(), ChronoUnit.DAYS, collection);
        assertThat(daily.json().path("from").asString()).endsWith("-01T00:00:00Z");

        // The console's usage page shows the same month.
        Http.Response page = http.get("/console/usage", owner.cookieOnly());
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        assertThat(page.body()).contains("default_database / metered", "id=\"usage-totals\"",
                ">" + String.format(Locale.ROOT, "%,d", read) + "<",
                ">" + String.format(Locale.ROOT, "%,d", write) + "<", "href=\"/console/usage\"");

        // The operator sees the same; another tenant sees none of it.
        Http.Response byOperator = http.get("/api/control/v1/operator/tenants/" + owner.tenantId()
                + "/usage?granularity=hour", operator().cookieOnly());
        assertThat(byOperator.status()).as("%s", byOperator).isEqualTo(200);
        assertThat(byOperator.json().path("rows")).isEqualTo(hourly.json().path("rows"));
        Console other = Console.signUp(http, "owner@other-metered.example", "Other Metered Org");
        Http.Response othersOwn = http.get(USAGE, other.cookieOnly());
        assertTotals(othersOwn, 0, 0);
        assertThat(othersOwn.json().path("rows").size()).isZero();
        Http.Response peeking = http.get("/api/control/v1/operator/tenants/" + owner.tenantId() + "/usage",
                other.cookieOnly());
        assertThat(peeking.status()).as("%s", peeking).isEqualTo(403);
        assertThat(peeking.body()).doesNotContain(collection);
    }

    @Test
    void aSearchIsMeteredAsAReadWhoseVectorLeavesCountAsQueryVectors() {
        Console owner = Console.signUp(http, "owner@search-metered.example", "Search Metered Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        String base = "/api/v2/tenants/" + owner.tenantName() + "/databases/default_database/collections";
        Http.Response created = http.post(base, json("{'name':'search-metered'}"), key(secret));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        String collection = created.json().path("id").asString();
        assertThat(http.post(base + "/" + collection + "/add", json("{'ids':['a','b','c'],"
                + "'embeddings':[[1,0],[0,1],[1,1]],'documents':['red fox','blue bird','red bird']}"),
                key(secret)).status()).isEqualTo(201);

        Http.Response searched = http.post(base + "/" + collection + "/search", json("{'searches':[{'rank':"
                + "{'$sum':[{'$knn':{'query':[1,0],'limit':2,'default':10}},{'$bm25':{'query':'red','limit':2,"
                + "'default':10}}]},'limit':{'limit':2}}]}"), key(secret));
        assertThat(searched.status()).as("%s", searched).isEqualTo(200);
        assertThat(searched.json().path("ids").get(0).size()).isEqualTo(2);

        // One vector leaf: ceil(max(2, searchEf 100) x dimension 2 / 16384) = 1, plus the 2 records returned.
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("""
                        select coalesce(sum(read_units), 0) from quiver.usage_rollups
                        where collection_id = :id and granularity = 'day'
                        """)
                .param("id", java.util.UUID.fromString(collection))
                .query(Long.class).single() == 1 + 2);
    }

    @Test
    void consolePeeksAndQueriesAreMeteredAsTheChromaReadsAre() {
        Principal owner = accounts.signUp(new SignUp("owner@console-metered.example", "correct horse battery",
                "Console Metered Org")).principal();
        String database = TenantCatalog.DEFAULT_DATABASE;
        workspace.createCollection(owner, database, new NewCollection("console-metered", "l2", null));
        CollectionView view = workspace.collection(owner, database, "console-metered").collection();
        records.write(view, new WriteBatch(WriteBatch.Operation.ADD, List.of(
                new RecordWrite("a", new float[] {1f, 0f}, null, null, null),
                new RecordWrite("b", new float[] {0f, 1f}, null, null, null),
                new RecordWrite("c", new float[] {1f, 1f}, null, null, null))));

        assertThat(workspace.peek(owner, database, "console-metered", 0, 10)).hasSize(3);
        assertThat(workspace.query(owner, database, "console-metered", new ConsoleQuery("[1, 0]", null, null, 2)))
                .hasSize(2);

        // The peek: its 3 records. The query: ceil(max(2, searchEf 100) x dimension 2 / 16384) = 1, and 2 records.
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("""
                        select coalesce(sum(read_units), 0) from quiver.usage_rollups
                        where collection_id = :id and granularity = 'day'
                        """)
                .param("id", view.id().value())
                .query(Long.class).single() == 3 + 1 + 2);
    }

    @Test
    void aConsoleTextQueryIsMeteredAsTheApisQueryTextsAndUsageShowsEmbeddingUnitsPerCollection() {
        Console owner = Console.signUp(http, "owner@embedding-metered.example", "Embedding Metered Org");
        Principal principal = accounts.logIn("owner@embedding-metered.example", "correct horse battery", null)
                .orElseThrow();
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        String base = "/api/v2/tenants/" + owner.tenantName() + "/databases/default_database/collections";
        Map<String, String> ids = new TreeMap<>();
        for (String name : List.of("api-texts", "console-texts")) {
            Http.Response created = http.post(base, json("{'name':'" + name + "','configuration':"
                    + "{'embedding_function':{'type':'known','name':'default','config':{}}}}"), key(secret));
            assertThat(created.status()).as("%s", created).isEqualTo(200);
            String id = created.json().path("id").asString();
            ids.put(name, id);
            // Three documents without embeddings: the server embeds them, three embedding units.
            assertThat(http.post(base + "/" + id + "/add", json("{'ids':['fox','bird','bread'],'documents':"
                    + "['A red fox ran across the field.','A small blue bird sang in the tree.',"
                    + "'Knead the dough for ten minutes.']}"), key(secret)).status()).isEqualTo(201);
        }

        Http.Response api = http.post(base + "/" + ids.get("api-texts") + "/query", json("{'query_texts':"
                + "['a fox in a meadow'],'n_results':2,'include':[]}"), key(secret));
        assertThat(api.status()).as("%s", api).isEqualTo(200);
        assertThat(api.json().path("ids").get(0).get(0).asString()).isEqualTo("fox");
        List<Neighbour> console = workspace.query(principal,
                TenantCatalog.DEFAULT_DATABASE, "console-texts", new ConsoleQuery(null, "a fox in a meadow", null, 2));
        assertThat(console).extracting(neighbour -> neighbour.record().id()).first().isEqualTo("fox");
        // Refused before embedding: neither costs an embedding unit nor a read.
        assertThatThrownBy(() -> workspace.query(principal, TenantCatalog.DEFAULT_DATABASE, "console-texts",
                new ConsoleQuery("[1, 0]", "a fox", null, 2))).isInstanceOf(QuiverException.class)
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> workspace.query(principal, TenantCatalog.DEFAULT_DATABASE, "console-texts",
                new ConsoleQuery(null, "a fox", null, 0))).isInstanceOf(QuiverException.class)
                .hasMessageContaining("n_results");

        // Each collection: 3 documents + 1 query text = 4 embedding units; the query's read is, as the API meters
        // it, ceil(max(2, searchEf 100) x 384 / 16384) = 3, plus the 2 records returned = 5.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Http.Response daily = http.get(USAGE, key(secret));
            assertThat(daily.status()).as("%s", daily).isEqualTo(200);
            assertThat(daily.json().path("totals").path("embedding_units").asLong()).as("%s", daily).isEqualTo(8);
            assertThat(daily.json().path("totals").path("read_units").asLong()).as("%s", daily).isEqualTo(10);
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> pending(owner.tenantId()) == 0);
        for (String granularity : List.of("hour", "day")) {
            Http.Response usage = http.get(USAGE + "?granularity=" + granularity, owner.cookieOnly());
            Map<String, String> byCollection = new TreeMap<>();
            for (JsonNode row : usage.json().path("rows")) {
                byCollection.merge(row.path("collection_id").asString(), row.path("read_units").asLong() + " read, "
                        + row.path("embedding_units").asLong() + " embedding", (left, right) -> left + "; " + right);
            }
            assertThat(byCollection).as("%s", usage).containsExactlyInAnyOrderEntriesOf(Map.of(
                    ids.get("api-texts"), "5 read, 4 embedding", ids.get("console-texts"), "5 read, 4 embedding"));
        }

        Http.Response page = http.get("/console/usage", owner.cookieOnly());
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        assertThat(page.body()).contains("Embedding units", "default_database / console-texts",
                "default_database / api-texts");
        String totals = page.body().substring(page.body().indexOf("id=\"usage-totals\""));
        assertThat(totals.substring(0, totals.indexOf("</tr>"))).contains(">10<", ">8<");
        JsonNode paths = http.get("/api/control/v1/openapi.json").json().path("paths");
        assertThat(paths.path("/api/control/v1/usage").path("get").path("description").asString())
                .contains("embedding units are one per text the server embeds");
    }

    @Test
    void whenTheTransactionThatLogsABatchRollsBackThenItsMeteringEventGoesWithIt() {
        CollectionView collection = DefaultDatabase.createCollection(tenants, collections, "rolled-back");
        LoggedWrite write = new LoggedWrite(collection, WriteBatch.Operation.ADD, 3, 5000, 3, 4000);
        assertThat(listeners).as("the metering listener is registered").isNotEmpty();

        transactions.executeWithoutResult(status -> {
            listeners.forEach(listener -> listener.logged(write));
            assertThat(events(collection)).as("visible inside the transaction").isEqualTo(1);
            status.setRollbackOnly();
        });
        assertThat(events(collection)).isZero();
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5))
                .until(() -> rolledUpWriteUnits(collection) == 0);

        transactions.executeWithoutResult(status -> listeners.forEach(listener -> listener.logged(write)));
        // ceil(5000 / 1024) = 5, once in its hour and once in its day, whether or not rolled up yet.
        await().atMost(Duration.ofSeconds(30)).until(() -> events(collection) == 0);
        assertThat(rolledUpWriteUnits(collection)).isEqualTo(2 * 5);
    }

    private long rolledUpWriteUnits(CollectionView collection) {
        return jdbc.sql("select coalesce(sum(write_units), 0) from quiver.usage_rollups where collection_id = :id")
                .param("id", collection.id().value())
                .query(Long.class).single();
    }

    @Test
    void rollUpDrainsABacklogOfSeveralChunksIntoExactUtcHourlyAndDailySums() {
        UUID tenant = UUID.randomUUID();
        int events = 25_000;
        Instant first = Instant.parse("2026-11-25T22:30:00Z");
        // One event a second from 22:30 for almost seven hours: across midnight, in every kind, in one transaction.
        jdbc.sql("""
                insert into quiver.metering_events (tenant_id, database_id, collection_id, kind, units, occurred_at)
                select :tenant, :tenant, :tenant, (array['read', 'write', 'storage'])[1 + i % 3], i,
                       cast(:first as timestamptz) + i * interval '1 second'
                from generate_series(1, :events) as i
                """)
                .param("tenant", tenant)
                .param("first", Timestamp.from(first))
                .param("events", events)
                .update();
        Map<String, long[]> expected = new TreeMap<>();
        for (int i = 1; i <= events; i++) {
            Instant at = first.plusSeconds(i);
            for (ChronoUnit unit : List.of(ChronoUnit.HOURS, ChronoUnit.DAYS)) {
                String key = (unit == ChronoUnit.HOURS ? "hour " : "day ") + at.truncatedTo(unit);
                expected.computeIfAbsent(key, ignored -> new long[3])[i % 3] += i;
            }
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql(
                        "select count(*) from quiver.metering_events where tenant_id = :tenant")
                .param("tenant", tenant).query(Long.class).single() == 0);

        Map<String, long[]> rolledUp = new TreeMap<>();
        jdbc.sql("""
                select granularity, period_start, read_units, write_units, storage_byte_hours
                from quiver.usage_rollups where tenant_id = :tenant
                """)
                .param("tenant", tenant)
                .query((rs, row) -> rolledUp.put(rs.getString("granularity") + " "
                        + rs.getTimestamp("period_start").toInstant(), new long[] {rs.getLong("read_units"),
                        rs.getLong("write_units"), rs.getLong("storage_byte_hours")}))
                .list();
        assertThat(rolledUp.keySet()).containsExactlyElementsOf(expected.keySet());
        assertThat(rolledUp.keySet()).contains("day 2026-11-25T00:00:00Z", "day 2026-11-26T00:00:00Z",
                "hour 2026-11-25T23:00:00Z", "hour 2026-11-26T00:00:00Z");
        expected.forEach((key, units) -> assertThat(rolledUp.get(key)).as(key).containsExactly(units));
    }

    @Test
    void badUsageQueriesAreRefusedNamingTheFieldAndOthersAreNotFoundOrForbidden() {
        Console owner = Console.signUp(http, "owner@usage-input.example", "Usage Input Org");
        String viewer = owner.mint(http, "viewer", "viewer", null).path("key").asString();
        assertRefused(http.get(USAGE + "?granularity=week", owner.cookieOnly()), "granularity", "one-of");
        assertRefused(http.get(USAGE + "?from=yesterday", owner.cookieOnly()), "from", "date-time");
        assertRefused(http.get(USAGE + "?to=2026-13-01T00:00:00Z", owner.cookieOnly()), "to", "date-time");
        assertRefused(http.get(USAGE + "?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", owner.cookieOnly()),
                "from", "before-to");
        assertRefused(http.get(USAGE + "?from=2026-11-01T00:00:00Z&to=2026-11-01T00:00:00Z", owner.cookieOnly()),
                "from", "before-to");
        assertRefused(http.get(USAGE + "?from=2025-01-01T00:00:00Z&to=2026-02-06T00:00:00Z", owner.cookieOnly()),
                "to", "max-range");

        Http.Response range = http.get(USAGE + "?from=2025-01-01T00:00:00Z&to=2026-02-05T00:00:00Z"
                + "&granularity=hour", owner.cookieOnly());
        assertThat(range.status()).as("%s", range).isEqualTo(200);
        assertThat(range.json().path("from").asString()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(range.json().path("to").asString()).isEqualTo("2026-02-05T00:00:00Z");

        Http.Response byViewer = http.get(USAGE, key(viewer));
        assertThat(byViewer.status()).as("%s", byViewer).isEqualTo(403);
        Console operator = operator();
        assertThat(http.get("/api/control/v1/operator/tenants/" + UUID.randomUUID() + "/usage",
                operator.cookieOnly()).status()).isEqualTo(404);
        assertThat(http.get("/api/control/v1/operator/tenants/not-an-id/usage", operator.cookieOnly()).status())
                .isEqualTo(404);
        assertRefused(http.get("/api/control/v1/operator/tenants/" + owner.tenantId() + "/usage?granularity=minute",
                operator.cookieOnly()), "granularity", "one-of");
    }

    @Test
    void theFirstStorageSampleAtStartupOnlyRecordsItsTimeSoTheNextMetersAWholeInterval() {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                        "select sampled_at is not null from quiver.metering_storage_samples where id = 1")
                .query(Boolean.class).single());
        assertThat(jdbc.sql("select count(*) from quiver.metering_events where kind = 'storage'")
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select coalesce(sum(storage_byte_hours), 0) from quiver.usage_rollups")
                .query(Long.class).single()).isZero();
    }

    @Test
    void usageRoutesAreInTheControlPlanesOpenApiDocument() {
        Http.Response document = http.get("/api/control/v1/openapi.json");
        assertThat(document.status()).as("%s", document).isEqualTo(200);
        JsonNode paths = document.json().path("paths");
        assertThat(paths.has("/api/control/v1/usage")).isTrue();
        assertThat(paths.has("/api/control/v1/operator/tenants/{id}/usage")).isTrue();
        assertThat(paths.path("/api/control/v1/usage").path("get").path("description").asString())
                .contains("ceil(bytes logged / 1024)", "byte-hours");
    }

    private long events(CollectionView collection) {
        return jdbc.sql("select count(*) from quiver.metering_events where collection_id = :collection")
                .param("collection", collection.id().value())
                .query(Long.class).single();
    }

    private long pending(String tenant) {
        return jdbc.sql("select count(*) from quiver.metering_events where tenant_id = :tenant")
                .param("tenant", UUID.fromString(tenant))
                .query(Long.class).single();
    }

    private static void assertTotals(Http.Response usage, long read, long write) {
        assertThat(usage.status()).as("%s", usage).isEqualTo(200);
        JsonNode totals = usage.json().path("totals");
        assertThat(totals.path("read_units").asLong()).as("read units in %s", usage).isEqualTo(read);
        assertThat(totals.path("write_units").asLong()).as("write units in %s", usage).isEqualTo(write);
        assertThat(totals.path("storage_byte_hours").asLong()).as("%s", usage).isZero();
        long readRows = 0;
        long writeRows = 0;
        for (JsonNode row : usage.json().path("rows")) {
            readRows += row.path("read_units").asLong();
            writeRows += row.path("write_units").asLong();
        }
        assertThat(readRows).isEqualTo(read);
        assertThat(writeRows).isEqualTo(write);
    }

    /** Every row is the one collection's, in a period that starts on the hour or at midnight UTC. */
    private static void assertRowsAligned(JsonNode usage, ChronoUnit unit, String collection) {
        assertThat(usage.path("rows").size()).isPositive();
        for (JsonNode row : usage.path("rows")) {
            Instant start = Instant.parse(row.path("period_start").asString());
            assertThat(start.truncatedTo(unit)).isEqualTo(start);
            assertThat(row.path("collection_id").asString()).isEqualTo(collection);
            assertThat(row.path("database_id").asString()).isNotBlank();
        }
    }

    private static void assertRefused(Http.Response response, String field, String rule) {
        assertThat(response.status()).as("%s", response).isEqualTo(400);
        assertThat(response.json().path("errors").toString()).as("%s", response)
                .contains("\"field\":\"" + field + "\"", "\"rule\":\"" + rule + "\"");
    }

    /** A batch of {@code size} records from {@code r-<first>}, with documents and metadata so it spans kibibytes. */
    private static String batch(int first, int size, int dimension, Random random) {
        StringBuilder ids = new StringBuilder();
        StringBuilder embeddings = new StringBuilder();
        StringBuilder documents = new StringBuilder();
        StringBuilder metadatas = new StringBuilder();
        for (int i = 0; i < size; i++) {
            String separator = i == 0 ? "" : ",";
            ids.append(separator).append("\"r-").append(first + i).append('"');
            embeddings.append(separator).append('[');
            for (int j = 0; j < dimension; j++) {
                embeddings.append(j == 0 ? "" : ",").append(random.nextFloat());
            }
            embeddings.append(']');
            documents.append(separator).append("\"document number ").append(first + i).append(" of the test\"");
            metadatas.append(separator).append("{\"index\":").append(first + i).append('}');
        }
        return "{\"ids\":[" + ids + "],\"embeddings\":[" + embeddings + "],\"documents\":[" + documents
                + "],\"metadatas\":[" + metadatas + "]}";
    }

    private static String vector(Random random) {
        StringBuilder vector = new StringBuilder("[");
        for (int j = 0; j < DIMENSION; j++) {
            vector.append(j == 0 ? "" : ",").append(random.nextFloat());
        }
        return vector.append(']').toString();
    }
}
