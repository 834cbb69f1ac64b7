/**
 * Which search node owns which shard: nodes registered with a heartbeat, one lease row per shard with an epoch
 * that fences a node that lost it, and rendezvous placement of shards over the live nodes. Hands shards over to
 * whatever opens them through {@link dev.quiver.search.ownership.ShardOwnershipListener}.
 */
@NullMarked
package dev.quiver.search.ownership;

import org.jspecify.annotations.NullMarked;
