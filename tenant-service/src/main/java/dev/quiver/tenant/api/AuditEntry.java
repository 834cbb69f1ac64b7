package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** One line of a tenant's audit log; see {@code dev.quiver.common.AuditEvent} for the fields. */
public record AuditEntry(long sequence, Instant at, String actor, String action, String target) {

    public AuditEntry {
        requireNonNull(at, "at is null");
        requireNonNull(actor, "actor is null");
        requireNonNull(action, "action is null");
        requireNonNull(target, "target is null");
    }
}
