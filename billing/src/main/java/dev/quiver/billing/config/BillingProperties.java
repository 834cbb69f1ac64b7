package dev.quiver.billing.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of billing.
 *
 * @param defaultPlan           the plan of every tenant an operator has not put on another, as new sign-ups are
 * @param defaultTenantPlan     the plan the default tenant (standalone use, benchmarks, local Chroma clients) is
 *                              put on at the first start; an operator may change it afterwards
 * @param rollupInterval        how often metering events are moved from the outbox into the hourly and daily
 *                              roll-ups; usage the API shows lags by up to this much
 * @param storageSampleInterval how often the bytes every collection stores are sampled into byte-hours
 * @param readFlushInterval     how often the read units counted in memory are written to the outbox; a process
 *                              killed outright loses at most this much of its read units
 */
@Validated
@ConfigurationProperties("quiver.billing")
public record BillingProperties(
        @NotBlank @DefaultValue("free") String defaultPlan,
        @NotBlank @DefaultValue("enterprise") String defaultTenantPlan,
        @NotNull @DurationMin(millis = 10) @DefaultValue("1m") Duration rollupInterval,
        @NotNull @DurationMin(seconds = 1) @DefaultValue("5m") Duration storageSampleInterval,
        @NotNull @DurationMin(millis = 10) @DurationMax(minutes = 1) @DefaultValue("1s") Duration readFlushInterval) {
}
