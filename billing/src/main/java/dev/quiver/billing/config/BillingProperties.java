package dev.quiver.billing.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
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
 * @param soleWriter            whether this process is the only one changing plans in its PostgreSQL (standalone
 *                              mode's embedded one): tenants' limits are then cached until a local change;
 *                              otherwise each cached entry lives for {@code planCacheTtl} only
 * @param planCacheTtl          how long a tenant's limits are cached when other processes share the PostgreSQL:
 *                              how long an operator's change made through another gateway may take to hold here
 * @param rates                 how gateways share a tenant's request-rate limits
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
        @DefaultValue("false") boolean soleWriter,
        @NotNull @DurationMin(millis = 1) @DurationMax(minutes = 10) @DefaultValue("1s") Duration planCacheTtl,
        @NotNull @Valid @DefaultValue Rates rates,
        @Valid @NotNull @DefaultValue Invoicing invoices) {

    /**
     * How gateways share a tenant's request-rate token bucket in PostgreSQL.
     *
     * @param slicesPerSecond how many slices one second of a limit is cut into: a gateway takes one slice (at least
     *                        one token) per database round trip and admits from it in memory; more slices cost more
     *                        round trips, fewer let one gateway hold more of the tenant's tokens at a time
     * @param sliceLifetime   how long a gateway may admit from a slice it took; what it has not used by then goes
     *                        back to the bucket, so tokens taken long ago never admit a burst later
     */
    public record Rates(
            @Positive @Max(1000) @DefaultValue("20") int slicesPerSecond,
            @NotNull @DurationMin(millis = 10) @DurationMax(minutes = 1) @DefaultValue("1s") Duration sliceLifetime) {
    }

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
