package dev.quiver.gateway.config;

import dev.quiver.common.ErrorCode;
import dev.quiver.gateway.api.ConsoleSessions;
import dev.quiver.gateway.security.CallerFilter;
import dev.quiver.gateway.security.ProblemResponses;
import dev.quiver.tenant.api.ApiKeys;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * One security filter chain per surface, most specific first: the control plane (sessions, CSRF, keys), the Chroma
 * data plane (keys only, stateless), and everything else (actuator, console assets), which stays as it was.
 * Authorization beyond "who is calling" happens in the controllers, after the object is found visible, because a
 * hidden object must be 404 rather than 403. Only in a servlet web application: tests without a server have no
 * filter chains.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfiguration {

    static final String CONTROL = "/api/control/v1";

    /** Unsafe methods: the ones a forged cross-site request could use to change something. */
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    /**
     * What both API chains share: the caller is resolved by {@code CallerFilter} on every request and kept only for
     * that request, and none of Spring's browser log-in machinery (form, basic, log-out page, saved requests) runs.
     */
    private static HttpSecurity callersOwnCredentials(HttpSecurity http) throws Exception {
        return http
                .securityContext(context -> context.securityContextRepository(
                        new RequestAttributeSecurityContextRepository()))
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable);
    }

    /**
     * Spring Security's firewall refuses paths it deems unsafe (an empty segment as in {@code collections//add},
     * an encoded slash, {@code ..}) before any chain runs. Without this the refusal is Boot's error page; with it,
     * the same body as every other refusal, so a Chroma client reads it as a 400.
     */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return (request, response, exception) -> ProblemResponses.write(request, response,
                ErrorCode.INVALID_ARGUMENT, "The request path is not allowed: " + exception.getMessage());
    }

    /**
     * No observations of the filter chains, authentications or authorizations. With an observation registry present,
     * Spring Security wraps each of the chain's ~15 filters in an observation (two on the way in, two on the way out)
     * and times every authorization: measured, about 10 % of the server's CPU per data-plane query, for timers no
     * dashboard or alert reads. Requests are still observed once, as {@code http.server.requests}, by the servlet
     * filter; refusals are still counted there by status.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    @Order(1)
    SecurityFilterChain controlPlane(HttpSecurity http, ApiKeys keys, ConsoleSessions sessions) throws Exception {
        return callersOwnCredentials(http)
                .securityMatcher(CONTROL + "/**")
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(SecurityConfiguration::cookieAuthenticatedWrite))
                // The log-in controller starts sessions itself and the security context is never stored in one.
                // Spring's session management would see a "new" authentication on every request (the context is not
                // kept) and change the session id and the CSRF token each time, so it is off.
                .sessionManagement(AbstractHttpConfigurer::disable)
                .addFilterBefore(CallerFilter.keysAndSessions(keys, sessions),
                        AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.POST, CONTROL + "/signup", CONTROL + "/login",
                                CONTROL + "/logout", CONTROL + "/invitations/redeem").permitAll()
                        .requestMatchers(HttpMethod.GET, CONTROL + "/openapi.json", CONTROL + "/openapi.json/**",
                                CONTROL + "/swagger-ui.html", CONTROL + "/swagger-ui/**").permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(unauthenticated("Log in, or send an API key in x-chroma-token "
                                + "or Authorization: Bearer"))
                        .accessDeniedHandler(denied()))
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain dataPlane(HttpSecurity http, ApiKeys keys, AuthProperties properties) throws Exception {
        return callersOwnCredentials(http)
                .securityMatcher("/api/v1/**", "/api/v2/**")
                // Keys are sent by code, never by a browser on its own: there is nothing to forge.
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // No servlet-API wrapper (getUserPrincipal, isUserInRole, login): controllers take the Principal the
                // CallerFilter resolved, and the wrapper adds a layer to every getMethod and getAttribute, which the
                // handler lookup calls once per mapping it tries.
                .servletApi(AbstractHttpConfigurer::disable)
                .addFilterBefore(CallerFilter.keysOnly(keys, !properties.enabled()),
                        AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        // Chroma's clients probe these before they know any credentials.
                        .requestMatchers(HttpMethod.GET, "/api/v2/heartbeat", "/api/v2/version", "/api/v2/healthcheck",
                                "/api/v2/pre-flight-checks").permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(unauthenticated("Missing, unknown, revoked or expired API key: "
                                + "send it in x-chroma-token or Authorization: Bearer"))
                        .accessDeniedHandler(denied()))
                .build();
    }

    /** The actuator and whatever else is served: unchanged by authentication (bound to 127.0.0.1 by default). */
    @Bean
    @Order(3)
    SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
        return http
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .build();
    }

    /**
     * CSRF protects only what a browser sends on its own: a write that a session cookie authenticates. A request
     * with an API key was built by code that holds the key. Sign-up, log-in and redeeming an invitation start a
     * session rather than use one (the cookie is {@code SameSite=Lax}).
     */
    static boolean cookieAuthenticatedWrite(HttpServletRequest request) {
        if (SAFE_METHODS.contains(request.getMethod()) || CallerFilter.secret(request) != null) {
            return false;
        }
        String path = request.getRequestURI();
        if (path.equals(CONTROL + "/signup") || path.equals(CONTROL + "/login")
                || path.equals(CONTROL + "/invitations/redeem")) {
            return false;
        }
        return request.getSession(false) != null;
    }

    private static AuthenticationEntryPoint unauthenticated(String detail) {
        return (request, response, exception) ->
                ProblemResponses.write(request, response, ErrorCode.UNAUTHENTICATED, detail);
    }

    private static AccessDeniedHandler denied() {
        return (request, response, exception) -> ProblemResponses.write(request, response, ErrorCode.FORBIDDEN,
                exception instanceof CsrfException
                        ? "Missing or wrong CSRF token: send the header the log-in response names"
                        : "Access denied");
    }
}
