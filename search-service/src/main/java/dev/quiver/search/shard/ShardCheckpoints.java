package dev.quiver.search.shard;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.ownership.ShardKey;
import java.nio.file.Path;

/**
 * What the shard registry asks of checkpoints at a shard's lifecycle edges; the registry calls these under the
 * shard's own lifecycle lock, so a shard directory is never restored or evicted while it is open, and one shard's
 * download holds up no other shard. Implementations are thread-safe.
 */
public interface ShardCheckpoints {

    /**
     * Called before the shard in {@code directory} is opened: when the directory holds no commit, or one older than
     * the collection's newest checkpoint, replaces it with that checkpoint's files, so the applier replays only the
     * log after the checkpoint. Returns once the directory is ready to open.
     */
    void restore(TenantId tenant, ShardKey shard, Path directory);

    /** Called after a clean close committed the shard and before its index closes: checkpoints that commit. */
    void closing(Shard shard);

    /**
     * The log sequence of the shard's newest recorded checkpoint, read from where checkpoints are recorded
     * (not a cache), or -1 when it has none. The registry deletes a closed shard's local files only when this is
     * at or after the shard's local commit, so the object store holds everything those files held.
     */
    long checkpointedSequence(ShardKey shard);

    /** Called after every shard of a deleted collection was closed and its files deleted. */
    void dropped(CollectionId collection);
}
