/**
 * Each tenant's audit log, kept in the tenant's own schema: recorded from {@code AuditEvent}s and listed for admins.
 */
@NullMarked
package dev.quiver.tenant.audit;

import org.jspecify.annotations.NullMarked;
