/**
 * Plans and their quotas: which plan each tenant is on, its per-tenant overrides, and the effective limits the
 * gateway enforces; request-rate limits shared by every gateway; usage metering through an outbox, its hourly and
 * daily roll-ups; invoices.
 */
@NullMarked
@ApplicationModule(allowedDependencies = {"common", "tenant::api", "search::api"})
package dev.quiver.billing;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
