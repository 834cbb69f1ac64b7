package dev.quiver.ui.config;

import dev.quiver.gateway.api.ConsoleSessions;
import dev.quiver.ui.web.ConsoleAdvice;
import dev.quiver.ui.web.ConsoleUserArgumentResolver;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

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
                .build();
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
