/**
 * What other modules may use of the tenant service: tenants and databases, the caller's principal, accounts,
 * API keys, members and roles, and the audit log.
 */
@NullMarked
@NamedInterface("api")
package dev.quiver.tenant.api;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
