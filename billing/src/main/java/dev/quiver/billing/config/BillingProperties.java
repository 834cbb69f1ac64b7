package dev.quiver.billing.config;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of billing.
 *
 * @param defaultPlan       the plan of every tenant an operator has not put on another, as new sign-ups are
 * @param defaultTenantPlan the plan the default tenant (standalone use, benchmarks, local Chroma clients) is put on
 *                          at the first start; an operator may change it afterwards
 */
@Validated
@ConfigurationProperties("quiver.billing")
public record BillingProperties(
        @NotBlank @DefaultValue("free") String defaultPlan,
        @NotBlank @DefaultValue("enterprise") String defaultTenantPlan) {
}
