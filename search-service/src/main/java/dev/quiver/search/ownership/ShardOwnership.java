package dev.quiver.search.ownership;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * This node's side of shard ownership: one instance per node. Every heartbeat interval, on its own thread, it
 * proves the node alive, renews the leases it holds, and moves shards towards where rendezvous placement over the
 * live nodes puts them, telling its {@link ShardOwnershipListener} of every shard gained or lost.
 *
 * <p>Invariants: a shard is in {@link #owned()} only while this node holds its lease in the table at the epoch
 * recorded, or until the round that finds otherwise. When renewals fail (the database unreachable or hanging), a
 * lease is dropped locally at the end of the first round after which it could expire before the next round renews
 * it, since another node may take it from then on. How late that can be is bounded by how long a round may hang:
 * the statements must time out within a heartbeat interval, which {@code ClusterConfiguration} sets; the epoch
 * still fences any write made in that gap. Rounds run on the ownership thread only; the queries are thread-safe.
 */
public final class ShardOwnership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShardOwnership.class);

    /** Shards acquired per statement: one round trip for a node's whole share, in statements of bounded size. */
    private static final int ACQUIRE_BATCH = 1000;

    private final NodeId node;
    /** Where other processes reach this node; read at start, when the web server knows its port. */
    private final Supplier<URI> advertiseUrl;
    private final JdbcSearchNodes nodes;
    private final JdbcShardLeases leases;
    private final ShardOwners owners;
    private final ShardOwnershipListener listener;
    private final Duration heartbeatInterval;
    private final Duration leaseDuration;
    private final ReentrantLock roundLock = new ReentrantLock();

    /** The leases this node holds, with their local deadlines; written by rounds (under the round lock) only. */
    private final ConcurrentHashMap<ShardKey, Held> held = new ConcurrentHashMap<>();
    private final AtomicLong lostLeases = new AtomicLong();
    /** Live nodes seen by the last successful round. */
    private volatile int liveNodes;
    /** The loop's thread pool while started; guarded by the round lock. */
    private @Nullable ScheduledExecutorService loop;

    public ShardOwnership(NodeId node, Supplier<URI> advertiseUrl, JdbcSearchNodes nodes, JdbcShardLeases leases,
            ShardOwners owners, ShardOwnershipListener listener, Duration heartbeatInterval, Duration leaseDuration) {
        this.node = requireNonNull(node, "node is null");
        this.advertiseUrl = requireNonNull(advertiseUrl, "advertiseUrl is null");
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.leases = requireNonNull(leases, "leases is null");
        this.owners = requireNonNull(owners, "owners is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.heartbeatInterval = requireNonNull(heartbeatInterval, "heartbeatInterval is null");
        this.leaseDuration = requireNonNull(leaseDuration, "leaseDuration is null");
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeatInterval must be positive: " + heartbeatInterval);
        }
        if (leaseDuration.compareTo(heartbeatInterval.multipliedBy(2)) <= 0) {
            throw new IllegalArgumentException("leaseDuration must be more than twice heartbeatInterval ("
                    + heartbeatInterval + "): " + leaseDuration);
        }
    }

    /**
     * Registers the node and starts the rounds. Leases still naming this node are from an earlier run of it (its id
     * is kept in its data directory) and are freed first: that run's writers are gone, and taking a shard back
     * through {@link JdbcShardLeases#acquire} gives it a new epoch.
     */
    public void start() {
        roundLock.lock();
        try {
            if (loop != null) {
                throw new IllegalStateException("ownership of node " + node + " already started");
            }
            URI url = advertiseUrl.get();
            nodes.register(node, url);
            int freed = leases.releaseAll(node);
            log.info("Search node {} registered at {}; freed {} leases of its previous run", node, url, freed);
            ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "quiver-ownership-" + node);
                thread.setDaemon(true);
                return thread;
            });
            started.scheduleWithFixedDelay(this::round, 0, heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
            loop = started;
        } finally {
            roundLock.unlock();
        }
    }

    /**
     * Clean shutdown: stops the rounds, tells the listener of every shard before releasing it, and deregisters,
     * so other nodes take the shards at their next round instead of after the lease expires.
     */
    @Override
    public void close() {
        stopLoop();
        roundLock.lock();
        try {
            // 1. Stop every writer first, whatever the database says next.
            List<ShardLease> releasing = new ArrayList<>();
            for (Held lease : List.copyOf(held.values())) {
                tellLost(lease.lease().shard());
                held.remove(lease.lease().shard());
                releasing.add(lease.lease());
            }
            // 2. Free the leases in one statement, so other nodes take the shards at their next round, then leave.
            try {
                leases.releaseAll(node);
                nodes.deregister(node);
                log.info("Search node {} released {} shards and deregistered", node, releasing.size());
            } catch (DataAccessException e) {
                log.warn("Search node {} could not release its shards on shutdown; they become free when their "
                        + "leases expire: {}", node, e.getMessage());
            }
        } finally {
            roundLock.unlock();
        }
    }

    /** Stops the rounds and releases nothing, as a process that dies does; for tests of fail-over. */
    void halt() {
        stopLoop();
        log.info("Search node {} halted holding {} leases", node, held.size());
    }

    /** This node's id. */
    public NodeId node() {
        return node;
    }

    /** The shards this node holds, with the leases it holds them by. */
    public Map<ShardKey, ShardLease> owned() {
        Map<ShardKey, ShardLease> owned = new HashMap<>();
        held.forEach((shard, lease) -> owned.put(shard, lease.lease()));
        return Map.copyOf(owned);
    }

    /** How many shards this node holds. */
    public int ownedCount() {
        return held.size();
    }

    /** The shard's owner from the lease table, at most a heartbeat interval old. */
    public Optional<ShardOwner> owner(ShardKey shard) {
        return owners.owner(shard);
    }

    /** Live nodes, this one included, as the last successful round saw them. */
    public int liveNodes() {
        return liveNodes;
    }

    /** Leases lost since start without being released: taken over, or not renewed in time. */
    public long lostLeases() {
        return lostLeases.get();
    }

    /** One round, as the loop runs it: a failure is logged, and the next round tries again. */
    void round() {
        roundLock.lock();
        try {
            runRound();
        } catch (DataAccessException e) {
            log.warn("Shard ownership round of node {} failed: {}", node, e.getMessage());
        } catch (RuntimeException e) {
            log.error("Shard ownership round of node {} failed", node, e);
        } finally {
            // Also after a failure: a lease whose renewal is overdue may already be another node's.
            dropOverdue();
            roundLock.unlock();
        }
    }

    private void runRound() {
        long roundStart = System.nanoTime();
        // 1. Heartbeat first, so this node counts as live in the placement below, its own and everyone else's.
        if (!nodes.tryHeartbeat(node)) {
            log.warn("Search node {} was no longer registered; registering again", node);
            nodes.register(node, advertiseUrl.get());
        }
        // 2. Renew before anything else, so a lease taken from this node is reported lost in this round. The local
        //    deadline counts from before the statement, so it falls no later than the expiry the database set.
        List<ShardKey> missing = renew(roundStart);
        List<ShardKey> shards = leases.shards();
        Set<ShardKey> existing = new HashSet<>(shards);
        for (ShardKey shard : missing) {
            // A lease row goes away only with its collection, which is no loss of a lease.
            if (existing.contains(shard)) {
                drop(shard, "taken by another node or released", true);
            } else {
                drop(shard, "its collection was deleted or has fewer shards", false);
            }
        }
        // 3. Place every shard over the live nodes, this one always among them.
        List<NodeId> live = new ArrayList<>();
        for (SearchNode liveNode : nodes.live(leaseDuration)) {
            live.add(liveNode.id());
        }
        if (!live.contains(node)) {
            live.add(node);
        }
        liveNodes = live.size();
        RendezvousPlacement placement = new RendezvousPlacement(live);
        // 4. Give up shards that are gone or that another live node now wins: the listener first, so this node's
        //    writer stops before the lease is free for the winner.
        for (Held lease : List.copyOf(held.values())) {
            ShardKey shard = lease.lease().shard();
            if (!existing.contains(shard)) {
                drop(shard, "its collection was deleted or has fewer shards", false);
            } else if (!placement.owner(shard).equals(node)) {
                release(lease.lease(), "placed on " + placement.owner(shard));
            }
        }
        // 5. Take the shards this node wins whose lease is free or expired; a shard still held by a node that
        //    lost it to this one is left until that node releases it or its lease expires.
        Map<ShardKey, LeaseState> states = new HashMap<>();
        for (LeaseState state : leases.all()) {
            states.put(state.shard(), state);
        }
        List<ShardKey> wanted = new ArrayList<>();
        for (ShardKey shard : shards) {
            if (held.containsKey(shard) || !placement.owner(shard).equals(node)) {
                continue;
            }
            LeaseState state = states.get(shard);
            if (state == null || !state.held()) {
                wanted.add(shard);
            }
        }
        for (int from = 0; from < wanted.size(); from += ACQUIRE_BATCH) {
            acquire(wanted.subList(from, Math.min(wanted.size(), from + ACQUIRE_BATCH)));
        }
    }

    /** Renews every lease this node holds; returns the held shards whose lease it no longer has. */
    private List<ShardKey> renew(long roundStart) {
        Map<ShardKey, ShardLease> renewed = new HashMap<>();
        for (ShardLease lease : leases.renewAll(node, leaseDuration)) {
            renewed.put(lease.shard(), lease);
        }
        long deadline = roundStart + leaseDuration.toNanos();
        List<ShardKey> missing = new ArrayList<>();
        for (Held lease : List.copyOf(held.values())) {
            ShardKey shard = lease.lease().shard();
            ShardLease current = renewed.get(shard);
            if (current != null && current.epoch() == lease.lease().epoch()) {
                renewed.remove(shard);
                held.put(shard, new Held(current, deadline));
            } else {
                missing.add(shard);
            }
        }
        // Rows naming this node that it does not hold: an acquisition whose answer never arrived, or a lease
        // dropped when it could not be renewed in time. Nothing here writes under that epoch any more, so free it;
        // the placement below may take the shard again under a new one.
        for (ShardLease stray : renewed.values()) {
            leases.tryRelease(stray);
        }
        return missing;
    }

    private void acquire(List<ShardKey> shards) {
        long started = System.nanoTime();
        List<ShardLease> acquired;
        try {
            acquired = leases.acquireAll(shards, node, leaseDuration);
        } catch (DataAccessException e) {
            // A collection deleted under the statement fails it; the next round no longer sees that collection.
            log.warn("Search node {} could not acquire {} shards: {}", node, shards.size(), e.getMessage());
            return;
        }
        for (ShardLease lease : acquired) {
            ShardKey shard = lease.shard();
            held.put(shard, new Held(lease, started + leaseDuration.toNanos()));
            log.info("Search node {} acquired shard {} at epoch {}", node, shard, lease.epoch());
            try {
                listener.acquired(lease);
            } catch (RuntimeException e) {
                log.warn("Listener refused shard {} acquired by node {}; releasing it", shard, node, e);
                held.remove(shard);
                leases.tryRelease(lease);
            }
        }
    }

    /** Gives a held shard up on purpose: the listener stops its writer, then the lease is freed. */
    private void release(ShardLease lease, String reason) {
        ShardKey shard = lease.shard();
        tellLost(shard);
        held.remove(shard);
        boolean released = leases.tryRelease(lease);
        log.info("Search node {} released shard {} at epoch {} ({}){}", node, shard, lease.epoch(), reason,
                released ? "" : "; it had already lost it");
    }

    /** Forgets a shard this node no longer holds in the table, or can no longer be sure it holds. */
    private void drop(ShardKey shard, String reason, boolean lost) {
        Held lease = held.remove(shard);
        if (lease == null) {
            return;
        }
        if (lost) {
            lostLeases.incrementAndGet();
        }
        log.info("Search node {} lost shard {} at epoch {}: {}", node, shard, lease.lease().epoch(), reason);
        tellLost(shard);
    }

    /**
     * Drops every lease that may expire before the next round could renew it. The margin is one heartbeat
     * interval, not more: a healthy round ends less than {@code lease - heartbeat} after it renewed (the lease is
     * more than two heartbeats), so this never drops a lease that is being renewed.
     */
    private void dropOverdue() {
        long horizon = System.nanoTime() + heartbeatInterval.toNanos();
        for (Held lease : List.copyOf(held.values())) {
            if (horizon - lease.deadline() >= 0) {
                drop(lease.lease().shard(), "not renewed within the lease duration", true);
            }
        }
    }

    private void tellLost(ShardKey shard) {
        try {
            listener.lost(shard);
        } catch (RuntimeException e) {
            log.error("Listener failed on losing shard {} of node {}", shard, node, e);
        }
    }

    private void stopLoop() {
        ScheduledExecutorService stopping;
        roundLock.lock();
        try {
            stopping = loop;
            loop = null;
        } finally {
            roundLock.unlock();
        }
        if (stopping == null) {
            return;
        }
        // Not shutdownNow: interrupting a round would abandon it between a lease statement and the listener call.
        stopping.shutdown();
        try {
            if (!stopping.awaitTermination(leaseDuration.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Shard ownership round of node {} did not stop within {}", node, leaseDuration);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A lease and the {@link System#nanoTime} by which it must be renewed, after which another node may hold it.
     */
    private record Held(ShardLease lease, long deadline) {
    }
}
