package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static dev.quiver.server.Http.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An operator suspends a tenant: its keys keep authenticating but every data route answers 403 with Chroma's error
 * body, its members still log in and manage keys, nothing is deleted, other tenants are untouched, and resuming
 * restores service on the next request. Both changes are audited in the tenant's own log.
 */
class TenantSuspensionIT extends OperatedServer {

    private static final String COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections";
    private static final String OPERATOR_TENANTS = "/api/control/v1/operator/tenants/";

    @Test
    void suspendedTenantKeepsItsDataAndAccountsButMayNotReadOrWriteUntilResumed() {
        Console a = Console.signUp(http, "owner@suspended.example", "Suspended Org");
        String aKey = a.mint(http, "a-app", "owner", null).path("key").asString();
        String aCollection = collection(aKey, "a-docs");
        add(aKey, aCollection, "{'ids':['r1','r2'],'embeddings':[[1.0,2.0],[3.0,4.0]]}");
        Console b = Console.signUp(http, "owner@bystander.example", "Bystander Org");
        String bKey = b.mint(http, "b-app", "owner", null).path("key").asString();
        String bCollection = collection(bKey, "b-docs");
        Console operator = operator();

        // 1. Suspend A.
        Http.Response suspended = http.post(OPERATOR_TENANTS + a.tenantId() + "/suspend",
                json("{'reason':'Unpaid invoice 2026-11'}"), operator.headers());
        assertThat(suspended.status()).as("%s", suspended).isEqualTo(200);
        assertThat(suspended.json().path("suspended").asBoolean()).isTrue();
        assertThat(suspended.json().path("suspended_reason").asString()).isEqualTo("Unpaid invoice 2026-11");
        assertThat(suspended.json().path("suspended_at").asString()).isNotBlank();

        // 2. A's key is refused on every data route, with Chroma's error body, from the very next request.
        String records = COLLECTIONS + "/" + aCollection;
        List<Http.Response> refused = List.of(
                http.post(records + "/add", json("{'ids':['r3'],'embeddings':[[5.0,6.0]]}"), key(aKey)),
                http.post(records + "/query", json("{'query_embeddings':[[1.0,2.0]],'n_results':1}"), key(aKey)),
                http.post(records + "/get", json("{}"), key(aKey)),
                http.get(COLLECTIONS, key(aKey)),
                http.get(records + "/count", key(aKey)),
                http.post(COLLECTIONS, json("{'name':'while-suspended'}"), key(aKey)));
        for (Http.Response response : refused) {
            assertThat(response.status()).as("%s", response).isEqualTo(403);
            assertThat(response.json().path("error").asString()).as("%s", response).isEqualTo("AuthorizationError");
            assertThat(response.json().path("message").asString()).as("%s", response)
                    .startsWith("Tenant [" + a.tenantName() + "] is suspended");
            assertThat(response.json().path("code").asString()).as("%s", response).isEqualTo("TENANT_SUSPENDED");
        }
        assertThat(http.get("/api/control/v1/databases", a.cookieOnly()).status()).isEqualTo(403);

        // 3. A's members still log in, see why, and manage their keys.
        Http.Response loggedIn = http.post("/api/control/v1/login",
                json("{'email':'owner@suspended.example','password':'correct horse battery'}"));
        assertThat(loggedIn.status()).as("%s", loggedIn).isEqualTo(200);
        Console again = Console.from(loggedIn);
        Http.Response session = http.get("/api/control/v1/session", again.cookieOnly());
        assertThat(session.json().path("suspended").asBoolean()).isTrue();
        assertThat(session.json().path("suspended_reason").asString()).isEqualTo("Unpaid invoice 2026-11");
        Http.Response keys = http.get("/api/control/v1/keys", again.cookieOnly());
        assertThat(keys.status()).as("%s", keys).isEqualTo(200);
        assertThat(keys.json().findValuesAsString("name")).containsExactly("a-app");
        assertThat(http.get("/api/control/v1/members", again.cookieOnly()).status()).isEqualTo(200);

        // 4. B is unaffected.
        Http.Response bSession = http.get("/api/control/v1/session", b.cookieOnly());
        assertThat(bSession.json().path("suspended").asBoolean()).isFalse();
        assertThat(bSession.json().path("suspended_reason").isString()).isFalse();
        add(bKey, bCollection, "{'ids':['b1'],'embeddings':[[1.0,1.0]]}");
        assertThat(http.get(COLLECTIONS + "/" + bCollection + "/count", key(bKey)).body()).isEqualTo("1");

        // 5. The operator sees the suspension in the list and in the tenant's status, with what A holds.
        Http.Response listed = http.get("/api/control/v1/operator/tenants?search=" + a.tenantName(),
                operator.cookieOnly());
        assertThat(listed.status()).as("%s", listed).isEqualTo(200);
        JsonNode row = listed.json().get(0);
        assertThat(row.path("id").asString()).isEqualTo(a.tenantId());
        assertThat(row.path("suspended").asBoolean()).isTrue();
        assertThat(row.path("suspended_reason").asString()).isEqualTo("Unpaid invoice 2026-11");
        assertThat(row.path("created_at").asString()).isNotBlank();
        Http.Response status = http.get(OPERATOR_TENANTS + a.tenantId(), operator.cookieOnly());
        assertThat(status.status()).as("%s", status).isEqualTo(200);
        assertThat(status.json().path("usage").path("databases").asInt()).isEqualTo(1);
        assertThat(status.json().path("usage").path("collections").asInt()).isEqualTo(1);
        assertThat(status.json().path("usage").path("records").asLong()).isEqualTo(2);
        assertThat(status.json().path("usage").path("stored_bytes").asLong()).isPositive();
        // The index files appear once the shard has applied the writes; reading usage does not wait for that.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(http.get(OPERATOR_TENANTS
                + a.tenantId(), operator.cookieOnly()).json().path("usage").path("disk_bytes").asLong())
                .isPositive());

        // 6. Resume: the next request is served, and nothing was lost.
        Http.Response resumed = http.post(OPERATOR_TENANTS + a.tenantId() + "/resume", null, operator.headers());
        assertThat(resumed.status()).as("%s", resumed).isEqualTo(200);
        assertThat(resumed.json().path("suspended").asBoolean()).isFalse();
        assertThat(resumed.json().path("suspended_at").isString()).isFalse();
        Http.Response count = http.get(records + "/count", key(aKey));
        assertThat(count.status()).as("%s", count).isEqualTo(200);
        assertThat(count.body()).isEqualTo("2");
        assertThat(http.get(COLLECTIONS, key(aKey)).json().findValuesAsString("name")).containsExactly("a-docs");
        add(aKey, aCollection, "{'ids':['r3'],'embeddings':[[5.0,6.0]]}");
        assertThat(http.get("/api/control/v1/session", again.cookieOnly()).json().path("suspended").asBoolean())
                .isFalse();

        // 7. Both changes are in A's audit log, newest first, by the operator.
        Http.Response audit = http.get("/api/control/v1/audit", again.cookieOnly());
        assertThat(audit.status()).as("%s", audit).isEqualTo(200);
        List<String> actions = new ArrayList<>();
        List<String> actors = new ArrayList<>();
        for (JsonNode entry : audit.json()) {
            String action = entry.path("action").asString();
            if (action.equals("tenant.suspended") || action.equals("tenant.resumed")) {
                actions.add(action);
                actors.add(entry.path("actor").asString());
            }
        }
        String operatorActor = http.get("/api/control/v1/session", operator.cookieOnly()).json().path("user")
                .path("id").asString();
        assertThat(actions).containsSubsequence("tenant.resumed", "tenant.suspended");
        assertThat(actors).allMatch(actor -> actor.endsWith(":" + operatorActor));
    }

    @Test
    void onlyOperatorsSuspendAndAReasonIsRequired() {
        Console tenant = Console.signUp(http, "owner@guarded.example", "Guarded Org");
        Console other = Console.signUp(http, "owner@meddler.example", "Meddler Org");
        String suspend = OPERATOR_TENANTS + tenant.tenantId() + "/suspend";

        Http.Response byMember = http.post(suspend, json("{'reason':'because'}"), other.headers());
        assertThat(byMember.status()).as("%s", byMember).isEqualTo(403);
        assertThat(byMember.json().path("code").asString()).isEqualTo("PERMISSION_DENIED");
        assertThat(http.post(suspend, json("{'reason':'because'}"), tenant.headers()).status()).isEqualTo(403);
        assertThat(http.post(OPERATOR_TENANTS + tenant.tenantId() + "/resume", null, tenant.headers()).status())
                .isEqualTo(403);

        Console operator = operator();
        assertRefused(http.post(suspend, json("{}"), operator.headers()), "reason", "required");
        assertRefused(http.post(suspend, json("{'reason':'   '}"), operator.headers()), "reason", "not-blank");
        assertRefused(http.post(suspend, json("{'reason':'" + "x".repeat(501) + "'}"), operator.headers()),
                "reason", "length");
        assertThat(http.post(OPERATOR_TENANTS + "00000000-0000-4000-8000-000000000000/suspend",
                json("{'reason':'nobody'}"), operator.headers()).status()).isEqualTo(404);

        // Nothing was suspended by the refused requests.
        Http.Response status = http.get(OPERATOR_TENANTS + tenant.tenantId(), operator.cookieOnly());
        assertThat(status.json().path("suspended").asBoolean()).as("%s", status).isFalse();
        assertThat(http.get("/api/control/v1/session", tenant.cookieOnly()).json().path("suspended").asBoolean())
                .isFalse();
        Http.Response exactly = http.post(suspend, json("{'reason':'" + "y".repeat(500) + "'}"), operator.headers());
        assertThat(exactly.status()).as("%s", exactly).isEqualTo(200);
    }


    private String collection(String secret, String name) {
        Http.Response created = http.post(COLLECTIONS, json("{'name':'" + name + "'}"), key(secret));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        return created.json().path("id").asString();
    }

    private void add(String secret, String collection, String body) {
        Http.Response added = http.post(COLLECTIONS + "/" + collection + "/add", json(body), key(secret));
        assertThat(added.status()).as("%s", added).isEqualTo(201);
    }

    private static void assertRefused(Http.Response response, String field, String rule) {
        assertThat(response.status()).as("%s", response).isEqualTo(400);
        assertThat(response.json().path("errors").toString()).as("%s", response)
                .contains("\"field\":\"" + field + "\"", "\"rule\":\"" + rule + "\"");
    }
}
