package dev.quiver.search.shard;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import java.nio.file.Path;

/**
 * What the shard registry asks of checkpoints at a shard's lifecycle edges; the registry calls these under its
 * lifecycle lock, so a shard directory is never restored while it is open. Implementations are thread-safe.
 */
public interface ShardCheckpoints {

    /**
     * Called before the shard in {@code directory} is opened: when the directory holds no commit, or one older than
     * the collection's newest checkpoint, replaces it with that checkpoint's files, so the applier replays only the
     * log after the checkpoint. Returns once the directory is ready to open.
     */
    void restore(TenantId tenant, CollectionId collection, Path directory);

    /** Called after a clean close committed the shard and before its index closes: checkpoints that commit. */
    void closing(Shard shard);

    /** Called after the shard of a deleted collection was closed and its files deleted. */
    void dropped(CollectionId collection);
}
