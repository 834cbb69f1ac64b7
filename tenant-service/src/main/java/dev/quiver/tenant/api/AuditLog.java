package dev.quiver.tenant.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The actor's tenant's audit log, newest first; needs {@code audit.read}. Thread-safe. */
public interface AuditLog {

    /** At most {@code limit} entries with a sequence below {@code before} (all when null). */
    List<AuditEntry> list(Principal actor, @Nullable Long before, int limit);
}
