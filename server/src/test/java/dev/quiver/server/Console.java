package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A logged-in console user as a JSON client holds it: the session cookie and the CSRF header the log-in named.
 *
 * @param tenantId   the id of the tenant the session acts in
 * @param tenantName its name
 * @param userId     the user's id
 */
record Console(String cookie, String csrfHeader, String csrfToken, String tenantId, String tenantName,
        String userId) {

    /** Signs up a new organisation and returns its owner's session. */
    static Console signUp(Http http, String email, String organization) {
        Http.Response response = http.post("/api/control/v1/signup", Http.json(
                "{'email':'" + email + "','password':'correct horse battery','organization':'" + organization
                        + "'}"));
        assertThat(response.status()).as("%s", response).isEqualTo(201);
        return from(response);
    }

    static Console from(Http.Response response) {
        JsonNode json = response.json();
        assertThat(response.sessionCookie()).as("session cookie in %s", response.raw().headers()).isNotNull();
        return new Console(response.sessionCookie(), json.path("csrf").path("header").asString(),
                json.path("csrf").path("token").asString(), json.path("tenant").path("id").asString(),
                json.path("tenant").path("name").asString(),
                json.path("user").path("id").asString());
    }

    /** Cookie and CSRF token, as a JSON client sends them on a write. */
    String[] headers() {
        return new String[] {"Cookie", cookie, csrfHeader, csrfToken};
    }

    /** The cookie alone, as a forged cross-site request would carry it. */
    String[] cookieOnly() {
        return new String[] {"Cookie", cookie};
    }

    /** Mints a key with the given role (and databases, a JSON list or null) and returns the answer. */
    JsonNode mint(Http http, String name, String role, @Nullable String databases) {
        Http.Response response = http.post("/api/control/v1/keys", Http.json("{'name':'" + name + "','role':'" + role
                + "'" + (databases == null ? "" : ",'databases':" + databases) + "}"), headers());
        assertThat(response.status()).as("%s", response).isEqualTo(201);
        return response.json();
    }
}
