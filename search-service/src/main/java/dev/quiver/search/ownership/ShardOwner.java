package dev.quiver.search.ownership;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * Who serves a shard, for a caller that routes to it (the gateway's fan-out).
 *
 * @param shard        the shard
 * @param node         the node holding its lease
 * @param advertiseUrl where that node is reached
 * @param epoch        the lease's epoch when it was read
 */
public record ShardOwner(ShardKey shard, NodeId node, URI advertiseUrl, long epoch) {

    public ShardOwner {
        requireNonNull(shard, "shard is null");
        requireNonNull(node, "node is null");
        requireNonNull(advertiseUrl, "advertiseUrl is null");
    }
}
