package dev.quiver.tenant.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.regex.Pattern;
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

    /** The form of an API key's secret, as the tenant service mints them. */
    private static final Pattern API_KEY = Pattern.compile("qk_[A-Za-z0-9_-]{32}");

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
            @Nullable String operatorPassword,
            @Nullable String apiKey) {

        /**
         * Checks the secrets here rather than with constraint annotations, whose messages would print the rejected
         * value, that is the configured secret, in the start-up failure.
         */
        public Bootstrap {
            if (operatorPassword != null && (operatorPassword.length() < 10 || operatorPassword.length() > 128)) {
                throw new IllegalArgumentException(
                        "quiver.tenant.bootstrap.operator-password must have 10 to 128 characters");
            }
            if (apiKey != null && !API_KEY.matcher(apiKey).matches()) {
                throw new IllegalArgumentException(
                        "quiver.tenant.bootstrap.api-key must be qk_ and 32 base64url characters");
            }
        }

        @Override
        public String toString() {
            return "Bootstrap[enabled=" + enabled + ", operatorEmail=" + operatorEmail + ", operatorPassword="
                    + (operatorPassword == null ? "unset" : "<hidden>") + ", apiKey="
                    + (apiKey == null ? "unset" : "<hidden>") + "]";
        }
    }
}
