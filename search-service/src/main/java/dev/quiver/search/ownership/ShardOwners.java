package dev.quiver.search.ownership;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Who owns a shard, read from the lease table and kept for a short time, so a caller routing many queries (the
 * gateway's fan-out) asks the database about a shard at most once per time-to-live. An answer may be that old: a
 * caller that reaches a node which no longer owns the shard is refused by it and asks again after
 * {@link #forget}. Thread-safe.
 */
public final class ShardOwners {

    /** Beyond this many shards the cache starts over rather than grow with the number of collections. */
    private static final int MAX_CACHED = 100_000;

    private final JdbcShardLeases leases;
    private final long timeToLiveNanos;
    private final ConcurrentHashMap<ShardKey, Cached> cache = new ConcurrentHashMap<>();

    public ShardOwners(JdbcShardLeases leases, Duration timeToLive) {
        this.leases = requireNonNull(leases, "leases is null");
        if (timeToLive.isNegative()) {
            throw new IllegalArgumentException("timeToLive must not be negative: " + timeToLive);
        }
        this.timeToLiveNanos = timeToLive.toNanos();
    }

    /** The shard's owner as of at most the time-to-live ago; empty when no node held it then. */
    public Optional<ShardOwner> owner(ShardKey shard) {
        long now = System.nanoTime();
        Cached cached = cache.get(shard);
        if (cached != null && now - cached.readAt() < timeToLiveNanos) {
            return Optional.ofNullable(cached.owner());
        }
        Optional<ShardOwner> owner = leases.findOwner(shard);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(shard, new Cached(owner.orElse(null), now));
        return owner;
    }

    /** Drops what is known about the shard, after its supposed owner refused a call for it. */
    public void forget(ShardKey shard) {
        cache.remove(shard);
    }

    private record Cached(@Nullable ShardOwner owner, long readAt) {
    }
}
