package dev.quiver.search.config;

import dev.quiver.search.index.WhereDocumentIndex;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the search service.
 *
 * @param shardsDirectory where this node keeps its shard indexes
 * @param indexThreads    platform threads that apply logs to shards and build their HNSW graphs (CPU-bound work),
 *                        also the index threads one shard may use at once; 0 means one per core
 * @param readTimeout     how long a read waits for its shard to catch up with the log before answering 503
 * @param walPageSize     log entries (batches) read per round trip while applying; a batch may be many MiB, so few
 * @param refreshRecords  records applied after which a snapshot is published while a long log is still replaying
 * @param commitInterval  how often applied batches are committed to the index files
 * @param compactAfterIdle how long a shard goes without writes before it is merged down to
 *                        {@code compactToSegments} segments: a search visits every segment's graph, so a shard
 *                        left with the segments of a bulk load answers several times slower than a merged one
 * @param compactToSegments the segments an idle shard is merged down to
 * @param checkpointInterval how often each shard that committed something new is checkpointed to the object store
 * @param checkpointThreads threads that upload checkpoints, apart from the appliers and readers they must not hold up
 * @param logRetention    how long log entries and checkpoints are kept after a checkpoint covers them, so a collection
 *                        can be restored as of any time within it; 0s truncates each log up to its newest checkpoint
 * @param closeAfterIdle  how long a shard goes without reads or writes before it is committed, checkpointed and
 *                        closed, releasing its memory; the next request reopens it and replays the log after its commit
 * @param maxOpenShards   shards open at once on this node; beyond it the least recently used ones close
 * @param localDiskBudget how much local disk the shard directories may take; beyond it the local files of closed
 *                        shards that a checkpoint holds are deleted, least recently used first, and restored from the
 *                        object store on next use; unset for no budget
 * @param soleWriter      whether this process is the only one writing collections and logs to its PostgreSQL (as
 *                        with standalone mode's embedded one): collections are then cached in memory and a read
 *                        needs no SQL; leave it false when other processes share the PostgreSQL
 * @param defaultShardCount the shards of a collection created without {@code quiver:shard_count} in its metadata
 * @param maxShardCount   the most shards a collection may ask for at creation
 * @param whereDocumentIndex how {@code where_document} {@code $contains} and {@code $regex} find the records they
 *                        check: {@code trigrams} looks them up in the trigram index; {@code scan} ignores it and
 *                        reads every document, as before the index existed, so benchmarks can measure what the
 *                        index saves and a suspected index problem can be ruled out; not for production
 */
@Validated
@ConfigurationProperties("quiver.search")
public record SearchProperties(
        @NotNull @DefaultValue("data/shards") Path shardsDirectory,
        @Min(0) @DefaultValue("0") int indexThreads,
        @NotNull @DefaultValue("120s") @DurationUnit(java.time.temporal.ChronoUnit.SECONDS) Duration readTimeout,
        @Positive @DefaultValue("4") int walPageSize,
        @Positive @DefaultValue("50000") int refreshRecords,
        @NotNull @DefaultValue("10s") Duration commitInterval,
        @NotNull @DefaultValue("5s") Duration compactAfterIdle,
        @Positive @DefaultValue("1") int compactToSegments,
        @NotNull @DurationMin(seconds = 1) @DefaultValue("60s") Duration checkpointInterval,
        @Positive @DefaultValue("2") int checkpointThreads,
        @NotNull @DurationMin(seconds = 0) @DefaultValue("24h") Duration logRetention,
        @NotNull @DurationMin(seconds = 1) @DefaultValue("10m") Duration closeAfterIdle,
        @Positive @DefaultValue("1000") int maxOpenShards,
        @Nullable DataSize localDiskBudget,
        @DefaultValue("false") boolean soleWriter,
        @Positive @DefaultValue("1") int defaultShardCount,
        @Positive @Max(1024) @DefaultValue("64") int maxShardCount,
        @NotNull @DefaultValue("trigrams") WhereDocumentIndex whereDocumentIndex) {

    public SearchProperties {
        if (defaultShardCount > maxShardCount) {
            throw new IllegalArgumentException("quiver.search.default-shard-count must not exceed "
                    + "quiver.search.max-shard-count: " + defaultShardCount + " > " + maxShardCount);
        }
        if (localDiskBudget != null && localDiskBudget.toBytes() <= 0) {
            throw new IllegalArgumentException("quiver.search.local-disk-budget must be positive: " + localDiskBudget);
        }
    }

    /** The local disk budget in bytes; {@link Long#MAX_VALUE} when unset. */
    public long localDiskBudgetBytes() {
        return localDiskBudget == null ? Long.MAX_VALUE : localDiskBudget.toBytes();
    }

    /** The applier threads to start: the configured count, or one per core. */
    public int effectiveIndexThreads() {
        return indexThreads == 0 ? Runtime.getRuntime().availableProcessors() : indexThreads;
    }
}
