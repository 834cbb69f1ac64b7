package dev.quiver.search.engine;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of the log's write path, built once by the configuration so that an append looks none up.
 *
 * @param succeeded times each append transaction that committed, from its start to its commit
 * @param failed times each append transaction that rolled back (unknown collection, dimension mismatch, database
 *     error)
 * @param entries counts log entries committed (one per batch, however many records it holds)
 */
public record AppendMeters(Timer succeeded, Timer failed, Counter entries) {

    public AppendMeters {
        requireNonNull(succeeded, "succeeded is null");
        requireNonNull(failed, "failed is null");
        requireNonNull(entries, "entries is null");
    }
}
