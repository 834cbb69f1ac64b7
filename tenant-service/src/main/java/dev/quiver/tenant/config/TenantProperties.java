package dev.quiver.tenant.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the tenant service.
 *
 * @param soleWriter    whether this process is the only one writing the control plane to its PostgreSQL (as with
 *                      standalone mode's embedded one): API-key principals are then cached in memory and cleared
 *                      on every local change; leave it false when other processes share the PostgreSQL, so a key
 *                      revoked by one of them stops working on the next request
 * @param invitationTtl how long an invitation can be redeemed after it was made
 * @param bootstrap     the operator account and first API key created on a first start
 */
@Validated
@ConfigurationProperties("quiver.tenant")
public record TenantProperties(
        @DefaultValue("false") boolean soleWriter,
        @NotNull @DurationMin(minutes = 1) @DefaultValue("7d") Duration invitationTtl,
        @Valid @NotNull @DefaultValue Bootstrap bootstrap) {

    /**
     * The operator account and first API key created on a start that finds no operator.
     *
     * @param enabled          whether to create them at all
     * @param operatorEmail    the operator's e-mail address, also its log-in
     * @param operatorPassword the operator's password; when unset a random one is generated and printed once
     * @param apiKey           an owner key of the default tenant to ensure exists ({@code qk_} and 32 base64url
     *                         characters); when unset a random one is generated and printed once
     */
    public record Bootstrap(
            @DefaultValue("true") boolean enabled,
            @NotBlank @Email @DefaultValue("operator@quiver.local") String operatorEmail,
            @Nullable @Size(min = 10, max = 128) String operatorPassword,
            @Nullable @Pattern(regexp = "qk_[A-Za-z0-9_-]{32}") String apiKey) {

        @Override
        public String toString() {
            return "Bootstrap[enabled=" + enabled + ", operatorEmail=" + operatorEmail + ", operatorPassword="
                    + (operatorPassword == null ? "unset" : "<hidden>") + ", apiKey="
                    + (apiKey == null ? "unset" : "<hidden>") + "]";
        }
    }
}
