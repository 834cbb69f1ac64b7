package dev.quiver.gateway.config;

import dev.quiver.gateway.api.ConsoleSessions;
import dev.quiver.gateway.security.LoginThrottle;
import dev.quiver.gateway.security.SessionLogins;
import dev.quiver.gateway.web.JsonBodyArgumentResolver;
import dev.quiver.gateway.web.PrefixedRouteMapping;
import dev.quiver.gateway.web.PrincipalArgumentResolver;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.TenantCatalog;
import java.time.Clock;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Wires the gateway's properties and how its controllers read JSON bodies and the caller; controllers are found by
 * scanning.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({GatewayProperties.class, AuthProperties.class})
class GatewayConfiguration implements WebMvcConfigurer {

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new JsonBodyArgumentResolver());
        resolvers.add(new PrincipalArgumentResolver());
    }

    /**
     * Spring MVC's request mapping with a shorter route search for the Chroma API, the data plane's hot path
     * ({@link PrefixedRouteMapping}); Boot configures it as it would its own (interceptors, path matching, CORS).
     */
    @Bean
    WebMvcRegistrations chromaRouteMapping() {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
                return new PrefixedRouteMapping("/api/v2/");
            }
        };
    }

    @Bean
    LoginThrottle loginThrottle(AuthProperties properties, Clock clock) {
        return new LoginThrottle(properties.login().maxFailures(), properties.login().failureWindow(), clock);
    }

    @Bean
    ConsoleSessions consoleSessions(Accounts accounts, TenantCatalog tenants, LoginThrottle throttle) {
        return new SessionLogins(accounts, tenants, throttle);
    }
}
