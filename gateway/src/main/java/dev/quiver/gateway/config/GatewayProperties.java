package dev.quiver.gateway.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the public HTTP surface.
 *
 * @param chromaVersion the version {@code /api/v2/version} reports; Chroma's clients check it
 * @param maxBatchSize  the batch size {@code /api/v2/pre-flight-checks} advertises; clients split larger writes
 */
@Validated
@ConfigurationProperties("quiver.gateway")
public record GatewayProperties(
        @NotBlank @DefaultValue("1.0.0") String chromaVersion,
        @Positive @DefaultValue("5461") int maxBatchSize) {
}
