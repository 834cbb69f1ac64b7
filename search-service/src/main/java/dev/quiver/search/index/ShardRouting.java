package dev.quiver.search.index;

import java.nio.charset.StandardCharsets;
import org.apache.lucene.util.StringHelper;

/**
 * Which shard of a collection holds a record: MurmurHash3 (x86, 32 bits) of the id's UTF-8 bytes with a fixed seed,
 * reduced to the shard count without sign.
 *
 * <p>The function can never change: every shard directory, checkpoint and log replay of every existing collection
 * was written with it, so a record routed elsewhere would be found on no shard, and an upsert of it would leave two
 * copies. It is Lucene's implementation over the UTF-8 bytes, not {@link String#hashCode()}, which works on UTF-16
 * units and, being a polynomial of small multiplier, spreads ids that differ in a suffix ("doc-1", "doc-2") into
 * neighbouring values rather than across shards. Stateless.
 */
public final class ShardRouting {

    /** Fixed for all time, as the function is; chosen once, arbitrarily. */
    private static final int SEED = 0x5157_5652; // "QWVR"

    private ShardRouting() {
    }

    /**
     * The shard, from 0 to {@code shardCount} exclusive, that holds the record with this id.
     *
     * @throws IllegalArgumentException if {@code shardCount} is not positive
     */
    public static int shardOf(String id, int shardCount) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be positive: " + shardCount);
        }
        if (shardCount == 1) {
            return 0;
        }
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        int hash = StringHelper.murmurhash3_x86_32(bytes, 0, bytes.length, SEED);
        return (int) (Integer.toUnsignedLong(hash) % shardCount);
    }
}
