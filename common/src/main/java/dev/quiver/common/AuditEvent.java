package dev.quiver.common;

import static java.util.Objects.requireNonNull;

/**
 * A control-plane change that the tenant's audit log records: published by the module that made the change,
 * inside the transaction that made it, so the entry commits with the change or not at all.
 *
 * @param tenant the tenant the change belongs to
 * @param actor  who made it: {@code user:<id>}, {@code key:<id>}, {@code operator:<id>} or {@code anonymous}
 * @param action what happened, dotted, for example {@code key.minted}, {@code member.removed}
 * @param target what it happened to, for example {@code key:<id>} or {@code collection:<name>}
 */
public record AuditEvent(TenantId tenant, String actor, String action, String target) {

    public AuditEvent {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(actor, "actor is null");
        requireNonNull(action, "action is null");
        requireNonNull(target, "target is null");
    }
}
