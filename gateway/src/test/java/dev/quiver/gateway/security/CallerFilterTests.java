package dev.quiver.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class CallerFilterTests {

    @Test
    void readsTheSecretFromChromaTokenHeader() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("x-chroma-token", " qk_secret ");

        assertThat(CallerFilter.secret(request)).isEqualTo("qk_secret");
    }

    @Test
    void readsTheSecretFromBearerAuthorizationInAnyCase() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("Authorization", "bearer qk_secret");

        assertThat(CallerFilter.secret(request)).isEqualTo("qk_secret");
    }

    @Test
    void treatsAnotherAuthorizationSchemeAsAnEmptySecretThatAuthenticatesNobody() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("Authorization", "Basic dXNlcjpwYXNz");

        assertThat(CallerFilter.secret(request)).isEmpty();
    }

    @Test
    void hasNoSecretWithoutEitherHeader() {
        assertThat(CallerFilter.secret(new MockHttpServletRequest())).isNull();
    }
}
