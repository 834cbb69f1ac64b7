package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.QuiverApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** With {@code quiver.auth.enabled=false} the data plane works without a key, as a local Chroma server does. */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "quiver.auth.enabled=false")
class AuthenticationDisabledIT extends StandaloneContext {

    @LocalServerPort
    int port;

    @Test
    void whenAuthenticationIsOffThenTheDataPlaneNeedsNoKey() {
        Http http = new Http(port);
        String collections = "/api/v2/tenants/default_tenant/databases/default_database/collections";

        Http.Response created = http.post(collections, json("{'name':'open-docs'}"));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        String id = created.json().path("id").asString();
        assertThat(http.post(collections + "/" + id + "/add", json("{'ids':['a'],'embeddings':[[1.0,2.0]]}"))
                .status()).isEqualTo(201);

        assertThat(http.get(collections + "/" + id + "/count").body()).isEqualTo("1");
        assertThat(http.get("/api/v2/auth/identity").json().path("tenant").asString()).isEqualTo("default_tenant");
        // Other tenants are open too, and are still created on the fly as Chroma does.
        assertThat(http.post("/api/v2/tenants", json("{'name':'another-tenant'}")).status()).isEqualTo(200);
        assertThat(http.get("/api/v2/tenants/another-tenant").status()).isEqualTo(200);
    }

    @Test
    void pathWithAnEmptySegmentIsRefusedWithChromasErrorBody() {
        Http.Response refused = new Http(port).post(
                "/api/v2/tenants/default_tenant/databases/default_database/collections//add", json("{'ids':[]}"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").asString()).isEqualTo("InvalidArgumentError");
        assertThat(refused.json().path("message").asString()).startsWith("The request path is not allowed");
    }

    @Test
    void whenAuthenticationIsOffThenTheControlPlaneStillNeedsACaller() {
        assertThat(new Http(port).get("/api/control/v1/keys").status()).isEqualTo(401);
    }
}
