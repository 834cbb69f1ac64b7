package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static dev.quiver.server.Http.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quiver.QuiverApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The isolation matrix of issue #5: tenant A's key on every route that names tenant B's objects gets the same 404 as
 * an object that does not exist, and B's data is unchanged afterwards; a viewer's writes are 403; bad keys are 401;
 * a key limited to one database sees only that one.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {StandaloneContext.AUTHENTICATED,
                "quiver.tenant.bootstrap.api-key=" + TenantIsolationIT.BOOTSTRAP_KEY})
class TenantIsolationIT extends StandaloneContext {

    static final String BOOTSTRAP_KEY = "qk_bootstrapKeyForTheIsolationTest0";

    private static final String RECORD = "{'ids':['r9'],'embeddings':[[9.0,9.0,9.0]]}";

    @LocalServerPort
    int port;

    Http http;

    /**
     * The two tenants every test reads, made once per class (the context and its database live as long as the
     * class). Static because JUnit makes an instance per test, and a per-class instance would be prepared before
     * the class's data directory exists.
     */
    static Console a;
    static Console b;
    static String aKey;
    static String bKey;
    static String bViewer;
    static String bViewerId;
    static String bCollection;
    static int lastPort;

    @BeforeEach
    void twoTenants() {
        http = new Http(port);
        if (port == lastPort) {
            return;
        }
        lastPort = port;
        a = Console.signUp(http, "owner@a.example", "Tenant A");
        b = Console.signUp(http, "owner@b.example", "Tenant B");
        aKey = a.mint(http, "a-owner", "owner", null).path("key").asString();
        bKey = b.mint(http, "b-owner", "owner", null).path("key").asString();
        JsonNode viewer = b.mint(http, "b-viewer", "viewer", null);
        bViewer = viewer.path("key").asString();
        bViewerId = viewer.path("id").asString();
        Http.Response created = http.post(collections("default_tenant", "default_database"),
                json("{'name':'b-docs'}"), key(bKey));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        bCollection = created.json().path("id").asString();
        Http.Response added = http.post(collections("default_tenant", "default_database") + "/" + bCollection
                + "/add", json("{'ids':['r1','r2'],'embeddings':[[1.0,2.0,3.0],[4.0,5.0,6.0]]}"), key(bKey));
        assertThat(added.status()).as("%s", added).isEqualTo(201);
        assertThat(http.post("/api/v2/tenants/default_tenant/databases", json("{'name':'b-private'}"), key(bKey))
                .status()).isEqualTo(200);
        assertThat(http.post("/api/control/v1/roles", json("{'name':'b-role','privileges':['records.read']}"),
                key(bKey)).status()).isEqualTo(201);
    }

    @Test
    void tenantAsKeyOnEveryDataPlaneRouteOfTenantBIsNotFoundAndChangesNothing() {
        List<String> refusedAsFound = new ArrayList<>();
        for (String tenant : List.of(b.tenantName(), b.tenantId())) {
            for (String[] route : dataPlaneRoutes("/api/v2/tenants/" + tenant, "default_database")) {
                Http.Response response = http.send(route[0], route[1], route[2] == null ? null : json(route[2]),
                        key(aKey));
                if (response.status() != 404 || !response.json().path("error").asString().equals("NotFoundError")) {
                    refusedAsFound.add(route[0] + " " + route[1] + " -> " + response);
                }
            }
        }
        // A's own tenant, B's collection id: another database's collection does not exist either.
        for (String[] route : recordRoutes("/api/v2/tenants/default_tenant/databases/default_database")) {
            Http.Response response = http.send(route[0], route[1], route[2] == null ? null : json(route[2]),
                    key(aKey));
            if (response.status() != 404) {
                refusedAsFound.add(route[0] + " " + route[1] + " -> " + response);
            }
        }

        assertThat(refusedAsFound).isEmpty();
        assertBsDataIsUnchanged();
    }

    @Test
    void anotherTenantIsAnsweredExactlyLikeOneThatDoesNotExist() {
        Http.Response other = http.get("/api/v2/tenants/" + b.tenantName(), key(aKey));
        Http.Response missing = http.get("/api/v2/tenants/no-such-tenant", key(aKey));

        assertThat(other.status()).isEqualTo(missing.status()).isEqualTo(404);
        assertThat(other.json().path("error").asString()).isEqualTo(missing.json().path("error").asString());
        assertThat(other.json().path("message").asString())
                .isEqualTo(missing.json().path("message").asString().replace("no-such-tenant", b.tenantName()));
    }

    @Test
    void tenantAsKeyOnTenantBsControlPlaneObjectsIsNotFoundAndChangesNothing() {
        String bRole = "/api/control/v1/roles/b-role";
        assertThat(http.delete("/api/control/v1/keys/" + bViewerId, key(aKey)).status()).isEqualTo(404);
        assertThat(http.patch("/api/control/v1/members/" + b.userId(), json("{'role':'viewer'}"), key(aKey))
                .status()).isEqualTo(404);
        assertThat(http.delete("/api/control/v1/members/" + b.userId(), key(aKey)).status()).isEqualTo(404);
        assertThat(http.put(bRole, json("{'privileges':['records.write']}"), key(aKey)).status()).isEqualTo(404);
        assertThat(http.delete(bRole, key(aKey)).status()).isEqualTo(404);
        assertThat(http.delete("/api/control/v1/databases/b-private", key(aKey)).status()).isEqualTo(404);

        // A's listings hold nothing of B's.
        assertThat(http.get("/api/control/v1/keys", key(aKey)).body()).doesNotContain(bViewerId, "b-viewer");
        assertThat(http.get("/api/control/v1/members", key(aKey)).body()).doesNotContain("owner@b.example");
        assertThat(http.get("/api/control/v1/roles", key(aKey)).body()).doesNotContain("b-role");
        assertThat(http.get("/api/control/v1/databases", key(aKey)).body()).doesNotContain("b-private");
        assertThat(http.get("/api/control/v1/audit", key(aKey)).body()).doesNotContain("b-docs", "b-private");

        // Tenants are made by signing up and managed by operators only.
        assertThat(http.post("/api/v2/tenants", json("{'name':'" + b.tenantName() + "'}"), key(aKey)).status())
                .isEqualTo(403);
        assertThat(http.get("/api/control/v1/operator/tenants", key(aKey)).status()).isEqualTo(403);
        assertThat(http.delete("/api/control/v1/operator/tenants/" + b.tenantId(), key(aKey)).status())
                .isEqualTo(403);

        // B's key, member and role are still there and still work.
        assertThat(http.get("/api/v2/auth/identity", key(bViewer)).status()).isEqualTo(200);
        assertThat(http.get("/api/control/v1/members", key(bKey)).body()).contains("owner@b.example");
        JsonNode role = findByName(http.get("/api/control/v1/roles", key(bKey)).json(), "b-role");
        assertThat(role.path("privileges").toString()).isEqualTo("[\"records.read\"]");
        assertBsDataIsUnchanged();
    }

    @Test
    void viewerKeyThatWritesIsForbiddenAndChangesNothing() {
        String database = collections("default_tenant", "default_database");
        String collection = database + "/" + bCollection;
        List<String[]> writes = List.of(
                new String[] {"POST", collection + "/add", RECORD},
                new String[] {"POST", collection + "/upsert", RECORD},
                new String[] {"POST", collection + "/update", "{'ids':['r1'],'embeddings':[[0.0,0.0,0.0]]}"},
                new String[] {"POST", collection + "/delete", "{'ids':['r1']}"},
                new String[] {"POST", database, "{'name':'viewer-made'}"},
                new String[] {"POST", database, "{'name':'b-docs','get_or_create':true}"},
                new String[] {"PUT", collection, "{'new_name':'renamed-by-viewer'}"},
                new String[] {"DELETE", database + "/b-docs", null},
                new String[] {"POST", "/api/v2/tenants/default_tenant/databases", "{'name':'viewer-db'}"},
                new String[] {"DELETE", "/api/v2/tenants/default_tenant/databases/b-private", null},
                new String[] {"POST", "/api/control/v1/keys", "{'name':'escalate','role':'owner'}"},
                new String[] {"POST", "/api/control/v1/databases", "{'name':'viewer-db'}"});
        List<String> notForbidden = new ArrayList<>();
        for (String[] write : writes) {
            Http.Response response = http.send(write[0], write[1], write[2] == null ? null : json(write[2]),
                    key(bViewer));
            if (response.status() != 403) {
                notForbidden.add(write[0] + " " + write[1] + " -> " + response);
            }
        }

        assertThat(notForbidden).isEmpty();
        assertThat(http.get(collection + "/count", key(bViewer)).body()).isEqualTo("2");
        assertBsDataIsUnchanged();
    }

    @Test
    void missingMalformedUnknownRevokedAndExpiredKeysAreUnauthenticated() {
        String list = collections("default_tenant", "default_database");
        JsonNode revoked = b.mint(http, "to-revoke", "viewer", null);
        assertThat(http.get(list, key(revoked.path("key").asString())).status()).isEqualTo(200);
        assertThat(http.delete("/api/control/v1/keys/" + revoked.path("id").asString(), b.headers()).status())
                .isEqualTo(204);
        String expiring = mintExpiringKey(Instant.now().plusSeconds(2));

        assertUnauthenticated(http.get(list));
        assertUnauthenticated(http.get(list, key("not-a-key")));
        assertUnauthenticated(http.get(list, key("qk_" + "x".repeat(32))));
        assertUnauthenticated(http.get(list, "Authorization", "Basic " + bKey));
        assertUnauthenticated(http.get(list, "Authorization", "Bearer "));
        assertUnauthenticated(http.get(list, key(revoked.path("key").asString())));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertUnauthenticated(http.get(list,
                key(expiring))));
        assertUnauthenticated(http.get("/api/control/v1/keys"));
        assertUnauthenticated(http.get("/api/control/v1/keys", key(revoked.path("key").asString())));
        // A Bearer token is as good as x-chroma-token.
        assertThat(http.get(list, "Authorization", "Bearer " + bKey).status()).isEqualTo(200);
    }

    @Test
    void chromaProbesNeedNoKey() {
        for (String probe : List.of("heartbeat", "version", "healthcheck", "pre-flight-checks")) {
            assertThat(http.get("/api/v2/" + probe).status()).as(probe).isEqualTo(200);
        }
    }

    @Test
    void keyLimitedToOneDatabaseSeesOnlyThatOne() {
        String limited = b.mint(http, "b-private-only", "editor", "['b-private']").path("key").asString();
        String tenant = "/api/v2/tenants/default_tenant";

        assertThat(http.get(tenant + "/databases/default_database", key(limited)).status()).isEqualTo(404);
        assertThat(http.get(tenant + "/databases/b-private", key(limited)).status()).isEqualTo(200);
        assertThat(http.get(tenant + "/databases", key(limited)).json().findValuesAsString("name"))
                .containsExactly("b-private");
        assertThat(http.get(collections("default_tenant", "default_database") + "/b-docs", key(limited)).status())
                .isEqualTo(404);
        assertThat(http.post(collections("default_tenant", "default_database") + "/" + bCollection + "/add",
                json(RECORD), key(limited)).status()).isEqualTo(404);
        assertThat(http.delete(tenant + "/databases/default_database", key(limited)).status()).isEqualTo(404);
        assertThat(http.get("/api/v2/auth/identity", key(limited)).json().path("databases").toString())
                .isEqualTo("[\"b-private\"]");
        assertThat(http.get("/api/control/v1/databases", key(limited)).json().findValuesAsString("name"))
                .containsExactly("b-private");
        assertBsDataIsUnchanged();
    }

    @Test
    void identityNamesTheKeysTenantCreatorAndDatabases() {
        JsonNode identity = http.get("/api/v2/auth/identity", key(bKey)).json();

        assertThat(identity.path("tenant").asString()).isEqualTo(b.tenantName());
        assertThat(identity.path("user_id").asString()).isEqualTo(b.userId());
        assertThat(identity.path("databases").toString()).isEqualTo("[\"b-private\",\"default_database\"]");
        assertThat(http.get("/api/v2/auth/identity", key(BOOTSTRAP_KEY)).json().path("tenant").asString())
                .isEqualTo("default_tenant");
    }

    private String mintExpiringKey(Instant expiresAt) {
        Http.Response response = http.post("/api/control/v1/keys", json("{'name':'expiring','role':'viewer',"
                + "'expires_at':'" + expiresAt + "'}"), b.headers());
        assertThat(response.status()).as("%s", response).isEqualTo(201);
        return response.json().path("key").asString();
    }

    private static void assertUnauthenticated(Http.Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(401);
        assertThat(response.json().path("error").asString()).isIn("AuthenticationError");
        assertThat(response.json().path("code").asString()).isEqualTo("UNAUTHENTICATED");
        assertThat(response.json().path("message").asString()).isNotBlank();
    }

    private void assertBsDataIsUnchanged() {
        String database = collections("default_tenant", "default_database");
        assertThat(http.get(database + "/" + bCollection + "/count", key(bKey)).body()).isEqualTo("2");
        Http.Response records = http.post(database + "/" + bCollection + "/get", json("{'include':['embeddings']}"),
                key(bKey));
        assertThat(records.json().path("ids").toString()).isEqualTo("[\"r1\",\"r2\"]");
        assertThat(records.json().path("embeddings").toString()).isEqualTo("[[1.0,2.0,3.0],[4.0,5.0,6.0]]");
        assertThat(http.get(database, key(bKey)).json().findValuesAsString("name")).containsExactly("b-docs");
        assertThat(http.get("/api/v2/tenants/default_tenant/databases", key(bKey)).json()
                .findValuesAsString("name")).containsExactly("b-private", "default_database");
        assertThat(http.get("/api/v2/tenants/default_tenant", key(bKey)).json().path("name").asString())
                .isEqualTo(b.tenantName());
    }

    /** Every Chroma route that names a tenant, with a body where it takes one: {method, path, body}. */
    private List<String[]> dataPlaneRoutes(String tenant, String database) {
        String databasePath = tenant + "/databases/" + database;
        List<String[]> routes = new ArrayList<>(List.of(
                new String[] {"GET", tenant, null},
                new String[] {"PATCH", tenant, "{'resource_name':'taken-over'}"},
                new String[] {"GET", tenant + "/databases", null},
                new String[] {"POST", tenant + "/databases", "{'name':'intruder-db'}"},
                new String[] {"GET", tenant + "/databases/b-private", null},
                new String[] {"DELETE", tenant + "/databases/b-private", null},
                new String[] {"GET", databasePath + "/collections", null},
                new String[] {"GET", databasePath + "/collections_count", null},
                new String[] {"POST", databasePath + "/collections", "{'name':'intruder'}"},
                new String[] {"POST", databasePath + "/collections", "{'name':'b-docs','get_or_create':true}"},
                new String[] {"GET", databasePath + "/collections/b-docs", null},
                new String[] {"DELETE", databasePath + "/collections/b-docs", null}));
        routes.addAll(recordRoutes(databasePath));
        return routes;
    }

    private List<String[]> recordRoutes(String databasePath) {
        String collection = databasePath + "/collections/" + bCollection;
        return List.of(
                new String[] {"GET", databasePath + "/collections/by-id/" + bCollection, null},
                new String[] {"PUT", collection, "{'new_name':'hijacked'}"},
                new String[] {"POST", collection + "/add", RECORD},
                new String[] {"POST", collection + "/upsert", RECORD},
                new String[] {"POST", collection + "/update", "{'ids':['r1'],'embeddings':[[0.0,0.0,0.0]]}"},
                new String[] {"POST", collection + "/delete", "{'ids':['r1','r2']}"},
                new String[] {"POST", collection + "/get", "{}"},
                new String[] {"POST", collection + "/query", "{'query_embeddings':[[1.0,2.0,3.0]],'n_results':2}"},
                new String[] {"GET", collection + "/count", null});
    }

    private static String collections(String tenant, String database) {
        return "/api/v2/tenants/" + tenant + "/databases/" + database + "/collections";
    }

    private static JsonNode findByName(JsonNode list, String name) {
        for (JsonNode item : list) {
            if (item.path("name").asString().equals(name)) {
                return item;
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }
}
