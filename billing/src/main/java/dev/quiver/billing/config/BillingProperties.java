package dev.quiver.billing.config;

import jakarta.validation.Valid;
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
 * @param invoices              the month-end invoicing run
 */
@Validated
@ConfigurationProperties("quiver.billing")
public record BillingProperties(
        @NotBlank @DefaultValue("free") String defaultPlan,
        @NotBlank @DefaultValue("enterprise") String defaultTenantPlan,
        @NotNull @DurationMin(millis = 10) @DefaultValue("1m") Duration rollupInterval,
        @NotNull @DurationMin(seconds = 1) @DefaultValue("5m") Duration storageSampleInterval,
        @NotNull @DurationMin(millis = 10) @DurationMax(minutes = 1) @DefaultValue("1s") Duration readFlushInterval,
        @Valid @NotNull @DefaultValue Invoicing invoices) {

    /**
     * The month-end invoicing run.
     *
     * @param checkInterval how often a gateway checks whether a month has ended and its invoices are due
     * @param delay         how long after a month's end its invoices wait, so the last hours' usage is rolled up
     * @param issue         whether month-end invoices are issued at once (as a hosted service does) or left as
     *                      drafts for an operator to issue
     */
    public record Invoicing(
            @NotNull @DurationMin(minutes = 1) @DefaultValue("1h") Duration checkInterval,
            @NotNull @DurationMin(seconds = 0) @DurationMax(days = 27) @DefaultValue("2h") Duration delay,
            @DefaultValue("true") boolean issue) {
    }
}
