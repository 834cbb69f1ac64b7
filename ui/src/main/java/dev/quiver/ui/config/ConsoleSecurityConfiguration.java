package dev.quiver.ui.config;

import dev.quiver.gateway.api.ConsoleSessions;
import dev.quiver.ui.web.ConsoleAdvice;
import dev.quiver.ui.web.ConsoleUserArgumentResolver;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.util.HtmlUtils;

/**
 * The console's filter chain, ahead of the gateway's catch-all one. Pages find the logged-in user themselves
 * ({@link ConsoleUserArgumentResolver}) and send a stranger to the log-in page, so Spring's own log-in machinery is
 * off. CSRF is on for every unsafe request, with the token kept in the session and written into every form by
 * Thymeleaf; the session cookie is HttpOnly and SameSite=Lax (application.yml). Pages may not be framed, and no
 * script, style or image comes from anywhere but Quiver itself.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ConsoleSecurityConfiguration implements WebMvcConfigurer {

    private final ConsoleSessions sessions;

    ConsoleSecurityConfiguration(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @Bean
    @Order(0)
    SecurityFilterChain console(HttpSecurity http) throws Exception {
        return http
                .securityMatcher("/console", "/console/**")
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                // The log-in page starts sessions itself (ConsoleSessions); Spring's session management would rotate
                // the session id and CSRF token on every request, because the security context is not kept.
                .sessionManagement(AbstractHttpConfigurer::disable)
                .headers(headers -> headers
                        .contentSecurityPolicy(policy -> policy.policyDirectives(
                                "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                        + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"))
                        .referrerPolicy(referrer -> referrer.policy(
                                ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                // Every page is open to the chain (pages check the user themselves), so only a missing or wrong
                // CSRF token is ever denied here; the CSRF filter picks this handler up from exception handling.
                .exceptionHandling(exceptions -> exceptions
                        .accessDeniedHandler(ConsoleSecurityConfiguration::expired))
                .build();
    }

    /**
     * A form without its CSRF token, or with a stale one (the session ended, the form came from elsewhere): a
     * small page that says what to do instead of a bare 403. A static page, because the request is refused before
     * any controller or template runs.
     */
    private static void expired(HttpServletRequest request, HttpServletResponse response,
            AccessDeniedException denied) throws IOException {
        String stylesheet = HtmlUtils.htmlEscape(request.getContextPath() + "/console/assets/console.css");
        String console = HtmlUtils.htmlEscape(request.getContextPath() + "/console");
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Form expired · Quiver</title>
                <link rel="stylesheet" href="%s">
                </head>
                <body class="visitor">
                <main id="main" class="card narrow">
                <p class="status">403</p>
                <h1>Form expired</h1>
                <p class="detail">This form has expired or did not come from Quiver; reload the page and try \
                again. Nothing was changed.</p>
                <p><a href="%s">Back to the console</a></p>
                </main>
                </body>
                </html>
                """.formatted(stylesheet, console));
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new ConsoleAdvice.CurrentUserInterceptor()).addPathPatterns("/console/**");
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new ConsoleUserArgumentResolver(sessions));
    }
}
