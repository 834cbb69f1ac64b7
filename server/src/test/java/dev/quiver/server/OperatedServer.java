package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.QuiverApplication;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Base of the tests that drive a running Quiver with authentication on over HTTP, as a hosted service runs: a
 * random port, an HTTP client, and a bootstrap operator whose password the test knows, so it can act as the
 * platform operator.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {StandaloneContext.AUTHENTICATED,
                "quiver.tenant.bootstrap.operator-password=" + OperatedServer.OPERATOR_PASSWORD})
abstract class OperatedServer extends StandaloneContext {

    static final String OPERATOR_PASSWORD = "operator password for tests";

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    /** Logs the bootstrap operator in over the control plane. */
    Console operator() {
        Http.Response loggedIn = http.post("/api/control/v1/login", json("{'email':'operator@quiver.local',"
                + "'password':'" + OPERATOR_PASSWORD + "'}"));
        assertThat(loggedIn.status()).as("%s", loggedIn).isEqualTo(200);
        return Console.from(loggedIn);
    }

    /** Sets an override of {@code quota} for the tenant, as the operator. */
    void override(Console tenant, String quota, long limit) {
        Http.Response response = http.put("/api/control/v1/operator/tenants/" + tenant.tenantId() + "/quotas/"
                + quota, json("{'limit':" + limit + "}"), operator().headers());
        assertThat(response.status()).as("%s", response).isEqualTo(200);
    }

    /** The entry for the quota {@code key} in a plan's {@code quotas}, as {@code /api/control/v1/plan} answers. */
    static JsonNode quota(JsonNode plan, String key) {
        for (JsonNode quota : plan.path("quotas")) {
            if (quota.path("quota").asString().equals(key)) {
                return quota;
            }
        }
        throw new AssertionError("no quota " + key + " in " + plan);
    }
}
