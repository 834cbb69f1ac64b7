package dev.quiver.search.ownership;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;

/**
 * Where each shard belongs among a set of nodes, by rendezvous (highest-random-weight) hashing: every node gets a
 * pseudo-random weight for the shard and the heaviest wins (Thaler and Ravishankar, "Using name-based mappings to
 * increase hit rates", 1998). A node's weight for a shard does not depend on the other nodes, so when a node
 * leaves only its own shards move (each to its runner-up), and a node that joins takes only the shards where it
 * now weighs most, about 1/(n+1) of them, each from whoever held it.
 *
 * <p>A pure function of the node ids and the shard: every node computes the same placement from the same live set.
 * Immutable and thread-safe.
 */
public final class RendezvousPlacement {

    /** The node ids, sorted, and their hashes at the same positions. */
    private final NodeId[] nodes;
    private final long[] nodeHashes;

    /** @throws IllegalArgumentException when there is no node, or a node appears twice */
    public RendezvousPlacement(Collection<NodeId> nodes) {
        List<NodeId> sorted = nodes.stream().sorted((left, right) -> left.value().compareTo(right.value())).toList();
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("no nodes to place shards on");
        }
        this.nodes = sorted.toArray(NodeId[]::new);
        this.nodeHashes = new long[this.nodes.length];
        for (int i = 0; i < this.nodes.length; i++) {
            if (i > 0 && this.nodes[i].equals(this.nodes[i - 1])) {
                throw new IllegalArgumentException("node listed twice: " + this.nodes[i]);
            }
            nodeHashes[i] = hash(this.nodes[i].value());
        }
    }

    /** The node the shard belongs on. */
    public NodeId owner(ShardKey shard) {
        long shardHash = hash(shard);
        int best = 0;
        long bestWeight = weight(shardHash, nodeHashes[0]);
        for (int i = 1; i < nodeHashes.length; i++) {
            long weight = weight(shardHash, nodeHashes[i]);
            // Unsigned, so all 64 bits count; the ids are sorted, so a tie (about 2^-64) goes to the smaller id.
            if (Long.compareUnsigned(weight, bestWeight) > 0) {
                best = i;
                bestWeight = weight;
            }
        }
        return nodes[best];
    }

    /** The nodes, in id order. */
    public List<NodeId> nodes() {
        return List.of(nodes);
    }

    /**
     * The node's weight for the shard. Both inputs are already well mixed, so their XOR is as random as either;
     * the finaliser then spreads every input bit over every output bit, so weights of different nodes for one
     * shard are uncorrelated (without it, nodes whose hashes differ in one bit would rank alike on every shard).
     */
    private static long weight(long shardHash, long nodeHash) {
        return mix(shardHash ^ nodeHash);
    }

    private static long hash(ShardKey shard) {
        long h = mix(shard.collection().value().getMostSignificantBits());
        h = mix(h ^ shard.collection().value().getLeastSignificantBits());
        return mix(h ^ (shard.shard() + 0x9E3779B97F4A7C15L));
    }

    /** FNV-1a over the id's UTF-8 bytes, then the finaliser: FNV alone mixes its last bytes poorly. */
    private static long hash(String id) {
        long h = 0xCBF29CE484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001B3L;
        }
        return mix(h);
    }

    /**
     * The 64-bit finaliser of MurmurHash3 (fmix64), a bijection in which each input bit flips each output bit with
     * probability close to one half.
     */
    static long mix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB93FE1A85EC9L;
        h ^= h >>> 33;
        return h;
    }
}
