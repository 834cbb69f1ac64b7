package dev.quiver.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.StaticWebApplicationContext;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

class PrefixedRouteMappingTests {

    @RestController
    static class Routes {
        @PostMapping("/api/v2/tenants/{tenant}/collections/{id}/query")
        void query(@PathVariable String tenant, @PathVariable String id) {
        }

        @PostMapping("/api/v2/tenants/{tenant}/collections/{id}/{operation}")
        void other(@PathVariable String tenant, @PathVariable String id, @PathVariable String operation) {
        }

        @GetMapping("/api/v2/heartbeat")
        void heartbeat() {
        }

        @GetMapping("/{*path}")
        void anything(@PathVariable String path) {
        }

        @GetMapping("/api/control/v1/tenants/{tenant}")
        void control(@PathVariable String tenant) {
        }
    }

    private static <M extends RequestMappingHandlerMapping> M mapping(M mapping) {
        var context = new StaticWebApplicationContext();
        context.registerSingleton("routes", Routes.class);
        context.refresh();
        mapping.setApplicationContext(context);
        mapping.afterPropertiesSet();
        return mapping;
    }

    private static final RequestMappingHandlerMapping SPRING = mapping(new RequestMappingHandlerMapping());
    private static final PrefixedRouteMapping PREFIXED = mapping(new PrefixedRouteMapping("/api/v2/"));

    private static @Nullable String handler(RequestMappingHandlerMapping mapping, MockHttpServletRequest request)
            throws Exception {
        HandlerExecutionChain chain = mapping.getHandler(request);
        return chain == null ? null : ((HandlerMethod) chain.getHandler()).getMethod().getName();
    }

    private static MockHttpServletRequest request(String method, String path) {
        return new MockHttpServletRequest(method, path);
    }

    @Test
    void choosesTheSameRouteAndPathVariablesAsSpringUnderThePrefix() throws Exception {
        for (String[] call : new String[][] {
                {"POST", "/api/v2/tenants/t/collections/c/query"},
                {"POST", "/api/v2/tenants/t/collections/c/get"},
                {"GET", "/api/v2/heartbeat"},
                {"GET", "/api/v2/unknown"},
                {"GET", "/api/control/v1/tenants/t"},
                {"GET", "/console/index.html"}}) {
            MockHttpServletRequest expected = request(call[0], call[1]);
            MockHttpServletRequest actual = request(call[0], call[1]);
            assertThat(handler(PREFIXED, actual)).as(call[1]).isEqualTo(handler(SPRING, expected));
            assertThat(actual.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE)).as(call[1])
                    .isEqualTo(expected.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE));
            assertThat(actual.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)).as(call[1])
                    .isEqualTo(expected.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE));
        }
    }

    @Test
    void prefersTheLiteralOperationOverTheVariableOne() throws Exception {
        MockHttpServletRequest request = request("POST", "/api/v2/tenants/t/collections/c/query");

        assertThat(handler(PREFIXED, request)).isEqualTo("query");
        assertThat(request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE))
                .isEqualTo(Map.of("tenant", "t", "id", "c"));
    }

    @Test
    void leavesAWrongMethodToSpringsOwnRefusal() {
        assertThatThrownBy(() -> handler(PREFIXED, request("DELETE", "/api/v2/tenants/t/collections/c/query")))
                .isInstanceOf(HttpRequestMethodNotSupportedException.class);
    }
}
