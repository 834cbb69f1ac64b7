package dev.quiver.billing.usage;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.tenant.api.DatabaseId;
import java.time.Instant;
import java.util.Locale;

/**
 * One row of the outbox: units of one kind spent in one collection.
 *
 * @param units      whole units, at least 0: read, write or embedding units, or byte-hours of storage
 * @param occurredAt when they were spent; the roll-up puts them in this instant's UTC hour and day
 */
record MeteringEvent(TenantId tenant, DatabaseId database, CollectionId collection, Kind kind, long units,
        Instant occurredAt) {

    /** What the units measure; the name in the database is the lower-case constant name. */
    enum Kind {
        READ,
        WRITE,
        STORAGE,
        /** Texts embedded on the server, one unit each. */
        EMBEDDING;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    MeteringEvent {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(database, "database is null");
        requireNonNull(collection, "collection is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(occurredAt, "occurredAt is null");
        if (units < 0) {
            throw new IllegalArgumentException("units must not be negative: " + units);
        }
    }

    static MeteringEvent of(CollectionView collection, Kind kind, long units, Instant occurredAt) {
        return new MeteringEvent(collection.database().tenant().id(), collection.database().id(), collection.id(),
                kind, units, occurredAt);
    }
}
