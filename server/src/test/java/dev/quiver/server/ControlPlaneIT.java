package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.QuiverApplication;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The control plane as the console and its scripts use it: sign-up, a session cookie with CSRF, keys, invitations,
 * members, roles and the audit log, and how every endpoint refuses bad input without writing anything.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = StandaloneContext.AUTHENTICATED)
class ControlPlaneIT extends StandaloneContext {

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

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

        // 6. The audit log lists the changes, newest first.
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
        assertThat(actions).contains("key.minted");

        // 7. Log-out ends the session.
        assertThat(http.post("/api/control/v1/logout", null, owner.headers()).status()).isEqualTo(204);
        assertThat(http.get("/api/control/v1/session", owner.cookieOnly()).status()).isEqualTo(401);
    }

    private static List<String> names(JsonNode keys) {
        return keys.findValuesAsString("name");
    }
}
