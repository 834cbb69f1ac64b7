package dev.quiver.server;

import dev.quiver.common.ConditionalOnRole;
import dev.quiver.common.Role;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.web.filter.OncePerRequestFilter;

/** Beans every role shares, and the one line that tells a newcomer where Quiver listens. */
@Configuration(proxyBeanMethods = false)
class ServerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ServerConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * A search node serves gateways only: the public API and the console answer 404 there, so a load balancer
     * pointed at the wrong pods fails loudly instead of serving reads that bypass the gateways' checks.
     */
    @Bean
    @ConditionalOnRole(value = Role.SEARCH, only = true)
    FilterRegistrationBean<OncePerRequestFilter> searchNodeRefusesPublicApi() {
        OncePerRequestFilter filter = new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                    FilterChain chain) throws ServletException, IOException {
                String path = request.getRequestURI();
                if (path.startsWith("/api/") || path.equals("/console") || path.startsWith("/console/")) {
                    response.setStatus(404);
                    response.setContentType("application/json");
                    response.getWriter().write("{\"error\":\"NotFoundError\",\"message\":\"This is a search "
                            + "node (quiver.roles=search): send requests to a gateway\"}");
                    return;
                }
                chain.doFilter(request, response);
            }
        };
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> readyLine(ServerProperties properties) {
        return event -> {
            var environment = event.getApplicationContext().getEnvironment();
            String host = environment.getProperty("server.address", "127.0.0.1");
            String port = environment.getProperty("local.server.port", environment.getProperty("server.port"));
            log.info("Quiver is ready at http://{}:{}, its console at http://{}:{}/console (data in {})", host, port,
                    host, port, properties.dataDir().toAbsolutePath().normalize());
        };
    }
}
