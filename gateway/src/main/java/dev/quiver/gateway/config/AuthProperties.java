package dev.quiver.gateway.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Authentication of the data plane and the control plane. The key is {@code quiver.auth} rather than
 * {@code quiver.gateway.auth} because issue #5 documents {@code quiver.auth.enabled} for local use.
 *
 * @param enabled whether callers must authenticate; when false every data-plane caller is anonymous and sees every
 *                tenant, as a local Chroma server does
 * @param login   throttling of failed control-plane log-ins
 */
@Validated
@ConfigurationProperties("quiver.auth")
public record AuthProperties(
        @DefaultValue("true") boolean enabled,
        @Valid @NotNull @DefaultValue Login login) {

    /**
     * Failed log-ins are counted per e-mail address and client address, in this process's memory.
     *
     * @param maxFailures   failures allowed within the window before further attempts are refused with 429
     * @param failureWindow how long a failure counts
     */
    public record Login(
            @Positive @DefaultValue("5") int maxFailures,
            @NotNull @DefaultValue("15m") Duration failureWindow) {
    }
}
