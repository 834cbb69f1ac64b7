package dev.quiver.search.shard;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.index.WhereDocumentIndex;
import java.time.Duration;

/**
 * How shards apply their log and serve reads.
 *
 * @param readTimeout    how long a read waits for its shard to catch up with the log before answering 503
 * @param walPageSize    log entries (batches) read per round trip while applying
 * @param refreshRecords records applied after which a snapshot is published even while the log is not drained
 * @param commitInterval how often applied batches are committed to the index files; a restart replays the rest
 * @param compactAfterIdle how long a shard must go without writes before it is compacted
 * @param compactToSegments the segments an idle shard is merged down to
 * @param whereDocumentIndex how {@code where_document} finds candidates: the trigram index, or a scan of every
 *                       document for benchmarks and diagnosis
 */
public record ShardSettings(Duration readTimeout, int walPageSize, int refreshRecords, Duration commitInterval,
        Duration compactAfterIdle, int compactToSegments, WhereDocumentIndex whereDocumentIndex) {

    public ShardSettings {
        requireNonNull(readTimeout, "readTimeout is null");
        requireNonNull(commitInterval, "commitInterval is null");
        requireNonNull(compactAfterIdle, "compactAfterIdle is null");
        requireNonNull(whereDocumentIndex, "whereDocumentIndex is null");
        if (compactToSegments < 1) {
            throw new IllegalArgumentException("compactToSegments must be positive: " + compactToSegments);
        }
        if (walPageSize < 1) {
            throw new IllegalArgumentException("walPageSize must be positive: " + walPageSize);
        }
        if (refreshRecords < 1) {
            throw new IllegalArgumentException("refreshRecords must be positive: " + refreshRecords);
        }
    }
}
