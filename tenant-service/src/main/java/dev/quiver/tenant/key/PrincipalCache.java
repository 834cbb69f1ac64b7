package dev.quiver.tenant.key;

import dev.quiver.tenant.api.Principal;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Principals of API keys by the hash of their secret, for a process that is the only writer of the control plane.
 * Any local change of access data clears it all ({@link #clear()}); expiry is checked on every hit, since time
 * passes without a change.
 *
 * <p>A lookup caches its answer only if no clear happened since it started reading, so a principal read just before
 * a revoke committed is never cached after the revoke cleared the cache. Thread-safe.
 */
final class PrincipalCache {

    private record Entry(Principal principal, @Nullable Instant expiresAt) {
    }

    private final ConcurrentHashMap<String, Entry> byHash = new ConcurrentHashMap<>();
    /** Bumped by every clear; see the class comment. */
    private final AtomicLong generation = new AtomicLong();
    /** Orders caching against clearing; never held during SQL. */
    private final ReentrantLock lock = new ReentrantLock();

    /** The cached principal, unless absent or expired at {@code now}. */
    Optional<Principal> find(byte[] hash, Instant now) {
        Entry entry = byHash.get(HexFormat.of().formatHex(hash));
        if (entry == null || (entry.expiresAt() != null && !now.isBefore(entry.expiresAt()))) {
            return Optional.empty();
        }
        return Optional.of(entry.principal());
    }

    /** The generation to hand to {@link #put} once the SQL that started now has answered. */
    long generation() {
        return generation.get();
    }

    void put(byte[] hash, Principal principal, @Nullable Instant expiresAt, long startedGeneration) {
        lock.lock();
        try {
            if (generation.get() == startedGeneration) {
                byHash.put(HexFormat.of().formatHex(hash), new Entry(principal, expiresAt));
            }
        } finally {
            lock.unlock();
        }
    }

    void clear() {
        lock.lock();
        try {
            generation.incrementAndGet();
            byHash.clear();
        } finally {
            lock.unlock();
        }
    }
}
