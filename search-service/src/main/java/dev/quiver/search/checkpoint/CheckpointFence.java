package dev.quiver.search.checkpoint;

import dev.quiver.search.api.CollectionId;
import java.util.OptionalLong;

/**
 * The lease a checkpoint is taken under. A search node records a checkpoint, and truncates the log, only while it
 * holds the shard's lease, and checks that in the transaction of the write itself: a node that lost the lease (to a
 * node that may already replay from an older checkpoint) never records one or deletes log entries. Thread-safe.
 */
public interface CheckpointFence {

    /** Standalone: one process, no leases; every checkpoint carries epoch 0. */
    CheckpointFence NONE = new CheckpointFence() {
        @Override
        public OptionalLong epoch(CollectionId collection, int shard) {
            return OptionalLong.of(0);
        }

        @Override
        public boolean tryWrite(CollectionId collection, int shard, long epoch, Runnable write) {
            write.run();
            return true;
        }
    };

    /** The epoch of this node's lease on the shard; empty when it does not hold it, and then nothing is written. */
    OptionalLong epoch(CollectionId collection, int shard);

    /**
     * Runs {@code write} in one transaction with a check that this node still holds the shard at {@code epoch},
     * which keeps the lease from moving until the transaction ends; false, with nothing written, when it does not.
     */
    boolean tryWrite(CollectionId collection, int shard, long epoch, Runnable write);
}
