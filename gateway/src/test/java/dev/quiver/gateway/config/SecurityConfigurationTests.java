package dev.quiver.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpSession;

class SecurityConfigurationTests {

    @Test
    void cookieAuthenticatedWriteNeedsCsrfProtection() {
        assertThat(SecurityConfiguration.cookieAuthenticatedWrite(withSession("POST", "/api/control/v1/keys")))
                .isTrue();
        assertThat(SecurityConfiguration.cookieAuthenticatedWrite(withSession("DELETE", "/api/control/v1/keys/1")))
                .isTrue();
    }

    @Test
    void readsAndRequestsWithoutSessionNeedNoCsrfToken() {
        assertThat(SecurityConfiguration.cookieAuthenticatedWrite(withSession("GET", "/api/control/v1/keys")))
                .isFalse();
        assertThat(SecurityConfiguration.cookieAuthenticatedWrite(
                new MockHttpServletRequest("POST", "/api/control/v1/keys"))).isFalse();
    }

    @Test
    void requestCarryingAnApiKeyNeedsNoCsrfTokenEvenWithACookie() {
        MockHttpServletRequest request = withSession("POST", "/api/control/v1/keys");
        request.addHeader("x-chroma-token", "qk_secret");

        assertThat(SecurityConfiguration.cookieAuthenticatedWrite(request)).isFalse();
    }

    @Test
    void logInSignUpAndRedeemStartSessionsAndNeedNoCsrfToken() {
        for (String path : new String[] {"/api/control/v1/login", "/api/control/v1/signup",
                "/api/control/v1/invitations/redeem"}) {
            assertThat(SecurityConfiguration.cookieAuthenticatedWrite(withSession("POST", path))).as(path).isFalse();
        }
    }

    private static MockHttpServletRequest withSession(String method, String path) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setSession(new MockHttpSession());
        return request;
    }
}
