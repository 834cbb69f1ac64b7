/**
 * Plans and their quotas: which plan each tenant is on, its per-tenant overrides, and the effective limits the
 * gateway enforces; later usage metering and invoices (issue #7).
 */
@NullMarked
@ApplicationModule(allowedDependencies = {"common", "tenant::api"})
package dev.quiver.billing;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
