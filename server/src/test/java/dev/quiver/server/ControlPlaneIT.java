package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The control plane as the console and its scripts use it: sign-up, a session cookie with CSRF, keys, invitations,
 * members, roles and the audit log, and how every endpoint refuses bad input without writing anything.
 */
class ControlPlaneIT extends OperatedServer {

    @Test
    void signUpMintInviteRedeemChangeRoleRemoveAndAuditNewestFirst() {
        Console owner = Console.signUp(http, "owner@flow.example", "Flow Inc");
        assertThat(owner.csrfHeader()).isNotBlank();
        assertThat(http.get("/api/control/v1/session", owner.cookieOnly()).json().path("role").asString())
                .isEqualTo("owner");

        // 1. A key minted over the session, with the CSRF header, works on the data plane.
        JsonNode key = owner.mint(http, "app", "editor", null);
        assertThat(key.path("key").asString()).startsWith("qk_");
        assertThat(key.path("prefix").asString()).isNotBlank();
        Http.Response identity = http.get("/api/v2/auth/identity", Http.key(key.path("key").asString()));
        assertThat(identity.json().path("tenant").asString()).isEqualTo(owner.tenantName());

        // 2. The same write without the CSRF token, as a forged cross-site request, is refused and writes nothing.
        Http.Response forged = http.post("/api/control/v1/keys", json("{'name':'forged','role':'viewer'}"),
                owner.cookieOnly());
        assertThat(forged.status()).as("%s", forged).isEqualTo(403);
        assertThat(names(http.get("/api/control/v1/keys", owner.cookieOnly()).json())).containsExactly("app");

        // 3. Invite, redeem: the invitee has a session of its own and is listed as a member.
        Http.Response invited = http.post("/api/control/v1/invitations",
                json("{'email':'member@flow.example','role':'viewer'}"), owner.headers());
        assertThat(invited.status()).as("%s", invited).isEqualTo(201);
        Http.Response redeemed = http.post("/api/control/v1/invitations/redeem", json("{'token':'"
                + invited.json().path("token").asString() + "','password':'another long password'}"));
        assertThat(redeemed.status()).as("%s", redeemed).isEqualTo(200);
        Console member = Console.from(redeemed);
        assertThat(http.get("/api/control/v1/session", member.cookieOnly()).json().path("role").asString())
                .isEqualTo("viewer");
        Http.Response members = http.get("/api/control/v1/members", owner.cookieOnly());
        assertThat(members.json().findValuesAsString("email")).contains("owner@flow.example", "member@flow.example");

        // 4. A role change applies to the member's live session at once.
        Http.Response changed = http.patch("/api/control/v1/members/" + member.userId(), json("{'role':'admin'}"),
                owner.headers());
        assertThat(changed.status()).as("%s", changed).isEqualTo(204);
        assertThat(http.get("/api/control/v1/session", member.cookieOnly()).json().path("role").asString())
                .isEqualTo("admin");

        // 5. Removal ends the member's session on its next request.
        assertThat(http.delete("/api/control/v1/members/" + member.userId(), owner.headers()).status())
                .isEqualTo(204);
        assertThat(http.get("/api/control/v1/session", member.cookieOnly()).status()).isEqualTo(401);

        // 6. Data-plane changes made with a key are audited too.
        String collections = "/api/v2/tenants/default_tenant/databases/default_database/collections";
        assertThat(http.post(collections, json("{'name':'audited'}"), Http.key(key.path("key").asString()))
                .status()).isEqualTo(200);

        // 7. The audit log lists the changes, newest first.
        Http.Response audit = http.get("/api/control/v1/audit", owner.cookieOnly());
        assertThat(audit.status()).as("%s", audit).isEqualTo(200);
        List<String> actions = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        for (JsonNode entry : audit.json()) {
            actions.add(entry.path("action").asString());
            sequences.add(entry.path("sequence").asLong());
        }
        assertThat(sequences).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(actions.indexOf("member.removed")).isLessThan(actions.indexOf("key.minted"));
        assertThat(actions.indexOf("collection.created")).isLessThan(actions.indexOf("member.removed"));
        assertThat(actions).contains("key.minted");

        // 8. Log-out ends the session.
        assertThat(http.post("/api/control/v1/logout", null, owner.headers()).status()).isEqualTo(204);
        assertThat(http.get("/api/control/v1/session", owner.cookieOnly()).status()).isEqualTo(401);
    }

    @Test
    void badInputOnEveryEndpointNamesTheFieldAndTheRuleAndWritesNothing() {
        Console owner = Console.signUp(http, "owner@strict.example", "Strict Inc");
        String keys = "/api/control/v1/keys";
        String roles = "/api/control/v1/roles";
        String[] session = owner.headers();

        // Sign-up and log-in.
        assertRefused(http.post("/api/control/v1/signup", json("{}")), 400, "email", "required");
        assertRefused(http.post("/api/control/v1/signup", json("{'email':7,'password':'long enough pass',"
                + "'organization':'X'}")), 400, "email", "type");
        assertRefused(http.post("/api/control/v1/signup", json("{'email':'new@strict.example','password':'short',"
                + "'organization':'New Org'}")), 400, "password", "min-length");
        assertRefused(http.post("/api/control/v1/signup", json("{'email':'not-an-email','password':'long enough "
                + "pass','organization':'New Org'}")), 400, "email", "format");
        assertRefused(http.post("/api/control/v1/signup", json("{'email':'owner@strict.example','password':"
                + "'another long password','organization':'Copycat'}")), 409, "email", "unique");
        assertRefused(http.post("/api/control/v1/signup", json("{'email':'x@strict.example','password':"
                + "'long enough pass','organization':'   '}")), 400, "organization", "not-blank");
        assertRefused(http.post("/api/control/v1/login", json("{'email':'owner@strict.example'}")), 400,
                "password", "required");
        Http.Response malformed = http.post("/api/control/v1/login", "{\"email\":");
        assertThat(malformed.status()).as("%s", malformed).isEqualTo(400);
        // Nothing was written: the refused e-mail signs up now, and the taken one still logs in as before.
        assertThat(http.post("/api/control/v1/signup", json("{'email':'new@strict.example','password':"
                + "'long enough pass','organization':'New Org'}")).status()).isEqualTo(201);
        assertThat(http.post("/api/control/v1/login", json("{'email':'owner@strict.example','password':"
                + "'correct horse battery'}")).status()).isEqualTo(200);

        // Keys.
        assertRefused(http.post(keys, json("{'role':'viewer'}"), session), 400, "name", "required");
        assertRefused(http.post(keys, json("{'name':'k','role':'ghost'}"), session), 400, "role", "unknown");
        assertRefused(http.post(keys, json("{'name':'k','role':'viewer','expires_at':'tomorrow'}"), session), 400,
                "expires_at", "date-time");
        assertRefused(http.post(keys, json("{'name':'k','role':'viewer','expires_at':'2001-01-01T00:00:00Z'}"),
                session), 400, "expires_at", "future");
        assertRefused(http.post(keys, json("{'name':'k','role':'viewer','databases':'default_database'}"),
                session), 400, "databases", "type");
        assertRefused(http.post(keys, json("{'name':'k','role':'viewer','databases':['nope']}"), session), 400,
                "databases[0]", "unknown");
        assertThat(http.get(keys, session).json()).isEmpty();

        // Roles.
        assertRefused(http.post(roles, json("{'name':'auditor','privileges':['audit.read','records.fly']}"),
                session), 400, "privileges[1]", "privilege");
        assertRefused(http.post(roles, json("{'name':'auditor','privileges':'audit.read'}"), session), 400,
                "privileges", "type");
        assertRefused(http.post(roles, json("{'privileges':['audit.read']}"), session), 400, "name", "required");
        assertRefused(http.post(roles, json("{'name':'viewer','privileges':['audit.read']}"), session), 409, "name",
                "unique");
        assertRefused(http.put(roles + "/viewer", json("{'privileges':['audit.read']}"), session), 400, "name",
                "built-in");
        assertThat(http.get(roles, session).json().findValuesAsString("name")).doesNotContain("auditor");

        // Members and invitations.
        assertRefused(http.patch("/api/control/v1/members/" + owner.userId(), json("{}"), session), 400, "role",
                "required");
        assertRefused(http.post("/api/control/v1/invitations", json("{'email':'someone@strict.example',"
                + "'role':'ghost'}"), session), 400, "role", "unknown");
        assertRefused(http.post("/api/control/v1/invitations", json("{'email':'nobody','role':'viewer'}"),
                session), 400, "email", "format");
        assertThat(http.post("/api/control/v1/invitations/redeem", json("{'token':'no-such-token',"
                + "'password':'long enough pass'}")).status()).isEqualTo(404);
        assertThat(http.get("/api/control/v1/members", session).json()).hasSize(1);

        // Databases and the audit log.
        assertRefused(http.post("/api/control/v1/databases", json("{}"), session), 400, "name", "required");
        assertRefused(http.post("/api/control/v1/databases", json("{'name':'a'}"), session), 400, "name", "name");
        assertRefused(http.get("/api/control/v1/audit?limit=0", session), 400, "limit", "range");
        assertRefused(http.get("/api/control/v1/audit?before=soon", session), 400, "before", "range");
        assertThat(http.get("/api/control/v1/databases", session).json().findValuesAsString("name"))
                .containsExactly("default_database");
        assertThat(http.get("/api/control/v1/audit", session).body()).doesNotContain("key.minted", "role.created");
    }

    @Test
    void unknownEmailAndWrongPasswordLookTheSameAndRepeatedFailuresAreThrottled() {
        Console.signUp(http, "victim@throttle.example", "Throttle Inc");
        String wrong = json("{'email':'victim@throttle.example','password':'not the password'}");
        Http.Response wrongPassword = http.post("/api/control/v1/login", wrong);
        Http.Response unknownEmail = http.post("/api/control/v1/login",
                json("{'email':'nobody@throttle.example','password':'not the password'}"));
        assertThat(wrongPassword.status()).isEqualTo(unknownEmail.status()).isEqualTo(401);
        assertThat(wrongPassword.json().path("detail")).isEqualTo(unknownEmail.json().path("detail"));
        for (int i = 1; i < 5; i++) {
            assertThat(http.post("/api/control/v1/login", wrong).status()).isEqualTo(401);
        }

        Http.Response throttled = http.post("/api/control/v1/login", json("{'email':'victim@throttle.example',"
                + "'password':'correct horse battery'}"));

        assertThat(throttled.status()).as("%s", throttled).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isNotNull();
        assertThat(throttled.json().path("code").asString()).isEqualTo("TOO_MANY_REQUESTS");
    }

    @Test
    void openApiDocumentListsEveryControlPlaneRoute() throws IOException {
        Http.Response document = http.get("/api/control/v1/openapi.json");

        assertThat(document.status()).as("%s", document).isEqualTo(200);
        Files.writeString(Path.of("target", "control-plane-openapi.json"), document.body());
        List<String> paths = new ArrayList<>();
        document.json().path("paths").propertyNames().forEach(paths::add);
        assertThat(paths).contains("/api/control/v1/signup", "/api/control/v1/login", "/api/control/v1/logout",
                "/api/control/v1/session", "/api/control/v1/keys", "/api/control/v1/keys/{id}",
                "/api/control/v1/members", "/api/control/v1/members/{userId}", "/api/control/v1/invitations",
                "/api/control/v1/invitations/redeem", "/api/control/v1/roles", "/api/control/v1/roles/{name}",
                "/api/control/v1/privileges", "/api/control/v1/audit", "/api/control/v1/databases",
                "/api/control/v1/databases/{name}", "/api/control/v1/operator/tenants",
                "/api/control/v1/operator/tenants/{id}");
        assertThat(paths).allMatch(path -> path.startsWith("/api/control/v1/"));
        assertThat(http.get("/api/control/v1/swagger-ui/index.html").status()).isEqualTo(200);
    }

    @Test
    void operatorFindsAndDeletesATenantWithItsCollectionsAndKeys() {
        Console doomed = Console.signUp(http, "owner@doomed.example", "Doomed Org");
        String doomedKey = doomed.mint(http, "doomed", "owner", null).path("key").asString();
        String collections = "/api/v2/tenants/default_tenant/databases/default_database/collections";
        assertThat(http.post(collections, json("{'name':'doomed-docs'}"), Http.key(doomedKey)).status())
                .isEqualTo(200);
        Console operator = operator();

        Http.Response found = http.get("/api/control/v1/operator/tenants?search=doomed", operator.cookieOnly());
        assertThat(found.status()).as("%s", found).isEqualTo(200);
        assertThat(found.json().findValuesAsString("id")).containsExactly(doomed.tenantId());
        Http.Response deleted = http.delete("/api/control/v1/operator/tenants/" + doomed.tenantId(),
                operator.headers());

        assertThat(deleted.status()).as("%s", deleted).isEqualTo(204);
        assertThat(http.get(collections, Http.key(doomedKey)).status()).isEqualTo(401);
        assertThat(http.get("/api/control/v1/session", doomed.cookieOnly()).status()).isEqualTo(401);
        assertThat(http.get("/api/control/v1/operator/tenants?search=doomed", operator.cookieOnly()).json())
                .isEmpty();
        assertThat(http.delete("/api/control/v1/operator/tenants/" + doomed.tenantId(), operator.headers())
                .status()).isEqualTo(404);
    }

    private static void assertRefused(Http.Response response, int status, String field, String rule) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertThat(response.json().path("errors").toString()).as("%s", response)
                .contains("\"field\":\"" + field + "\"", "\"rule\":\"" + rule + "\"");
    }

    private static List<String> names(JsonNode keys) {
        return keys.findValuesAsString("name");
    }
}
