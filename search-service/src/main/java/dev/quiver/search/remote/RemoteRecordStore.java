package dev.quiver.search.remote;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchResult;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.api.WriteLimits;
import dev.quiver.search.engine.LogAppender;
import dev.quiver.search.engine.ShardMerge;
import dev.quiver.search.index.OrderedRecords;
import dev.quiver.search.merge.SearchMerge;
import dev.quiver.search.merge.ShardPartial;
import dev.quiver.search.ownership.ShardKey;
import dev.quiver.search.ownership.ShardOwner;
import dev.quiver.search.ownership.ShardOwners;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The record store of a gateway in a cluster. Writes are appended to the log here, as standalone (the commit is the
 * acknowledgement, and the append's {@code NOTIFY} wakes the owner); reads go over HTTP to the search node that holds
 * each shard's lease, with the collection's log position, so the answer includes every write acknowledged before the
 * read began.
 *
 * <p>Reads are idempotent, so a failed call is tried again until the retry budget is spent: the owner is looked up
 * afresh when the node refused the shard or could not be reached, since a lease moves within a few heartbeats. Each
 * node has a circuit breaker, so a dead node costs one connect timeout per breaker window, not one per request. When
 * the budget runs out the read answers {@code UNAVAILABLE} (503, retryable), never hangs and never 500s. Thread-safe.
 */
public final class RemoteRecordStore implements RecordStore {

    private static final Logger log = LoggerFactory.getLogger(RemoteRecordStore.class);
    /** The first pause between attempts; doubled each time up to {@link #MAX_BACKOFF}. */
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(500);

    private final LogAppender appender;
    private final ShardOwners owners;
    private final String secret;
    private final Duration callTimeout;
    private final Duration retryBudget;
    private final HttpClient http;
    private final CircuitBreakerRegistry breakers;
    private final ShardWire wire = new ShardWire();
    /** Null for strong reads; sent with every read so the owner applies it (see {@link #withMaxStaleness}). */
    private final @Nullable Duration maxStaleness;

    /**
     * @param callTimeout how long one call may take: the node's own read timeout (it waits for its shard to catch up)
     *                    and some more
     * @param retryBudget how long a read keeps trying other attempts before it answers 503
     * @param openBreaker how long a node's breaker stays open after the node failed too often
     */
    public RemoteRecordStore(LogAppender appender, ShardOwners owners, String secret, Duration callTimeout,
            Duration retryBudget, Duration openBreaker) {
        this.appender = requireNonNull(appender, "appender is null");
        this.owners = requireNonNull(owners, "owners is null");
        this.secret = requireNonNull(secret, "secret is null");
        this.callTimeout = requireNonNull(callTimeout, "callTimeout is null");
        this.retryBudget = requireNonNull(retryBudget, "retryBudget is null");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        // Only failures to reach a node count: a refusal (not the owner, not caught up) is the node working.
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(50)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(4)
                .permittedNumberOfCallsInHalfOpenState(1)
                .waitDurationInOpenState(requireNonNull(openBreaker, "openBreaker is null"))
                .build());
        this.maxStaleness = null;
    }

    private RemoteRecordStore(RemoteRecordStore strong, Duration maxStaleness) {
        this.appender = strong.appender;
        this.owners = strong.owners;
        this.secret = strong.secret;
        this.callTimeout = strong.callTimeout;
        this.retryBudget = strong.retryBudget;
        this.http = strong.http;
        this.breakers = strong.breakers;
        this.maxStaleness = maxStaleness;
    }

    /** The same client, connections and breakers, asking each owner to answer within the staleness bound. */
    @Override
    public RemoteRecordStore withMaxStaleness(Duration maxStaleness) {
        if (maxStaleness.isNegative() || maxStaleness.isZero()) {
            throw new IllegalArgumentException("maxStaleness must be positive: " + maxStaleness);
        }
        return new RemoteRecordStore(this, maxStaleness);
    }

    @Override
    public void write(CollectionView collection, WriteBatch batch, WriteLimits limits) {
        appender.append(collection, batch, limits);
    }

    @Override
    public int delete(CollectionView collection, RecordFilter filter) {
        if (filter.isEmpty()) {
            return 0;
        }
        List<String> ids;
        if (filter.where() == null && filter.whereDocument() == null) {
            ids = filter.ids();
        } else {
            // Chroma resolves a filtered delete to ids at the moment of the request: the owners know which match.
            ids = new ArrayList<>();
            // Always strong: these ids are deleted, and a delete must see every acknowledged write.
            ObjectNode request = wire.object();
            request.put("position", collection.logPosition());
            wire.writeFilter(request, filter);
            for (JsonNode answer : callEveryShard(collection, "ids", request)) {
                for (JsonNode id : answer.path("ids")) {
                    ids.add(id.asString());
                }
            }
        }
        List<RecordWrite> records = new ArrayList<>(ids.size());
        for (String id : ids) {
            records.add(new RecordWrite(id, null, null, null, null));
        }
        write(collection, new WriteBatch(WriteBatch.Operation.DELETE, records));
        return ids.size();
    }

    @Override
    public List<StoredRecord> get(CollectionView collection, RecordFilter filter, int offset, int limit,
            Set<Include> include) {
        int shards = shardCount(collection);
        if (shards == 1) {
            ObjectNode request = request(collection);
            wire.writeFilter(request, filter);
            wire.writeInclude(request, include);
            request.put("offset", offset);
            request.put("limit", limit);
            return wire.readRecords(call(collection, 0, "get", request).path("records"));
        }
        // Each shard returns its first offset + limit with their insertion orders; the page is cut after the merge.
        ObjectNode request = request(collection);
        wire.writeFilter(request, filter);
        wire.writeInclude(request, include);
        request.put("offset", 0);
        request.put("limit", (int) Math.min(Integer.MAX_VALUE, (long) offset + limit));
        List<JsonNode> answers = callEveryShard(collection, "get", request);
        List<OrderedRecords> pages = new ArrayList<>(shards);
        for (int shard = 0; shard < shards; shard++) {
            JsonNode answer = answers.get(shard);
            List<StoredRecord> records = wire.readRecords(answer.path("records"));
            JsonNode orderNodes = answer.path("orders");
            if (orderNodes.size() != records.size()) {
                throw unavailable(new ShardKey(collection.id(), shard), "its node answered without insertion orders");
            }
            long[] orders = new long[records.size()];
            for (int i = 0; i < orders.length; i++) {
                orders[i] = orderNodes.get(i).longValue();
            }
            pages.add(new OrderedRecords(records, orders));
        }
        return ShardMerge.records(pages, offset, limit);
    }

    @Override
    public List<List<Hit>> query(CollectionView collection, float[][] queries, int nResults, RecordFilter filter,
            Set<Include> include) {
        ObjectNode request = request(collection);
        wire.writeQueries(request, queries);
        request.put("nResults", nResults);
        wire.writeFilter(request, filter);
        wire.writeInclude(request, include);
        List<List<List<Hit>>> answers = new ArrayList<>();
        for (JsonNode answer : callEveryShard(collection, "query", request)) {
            answers.add(wire.readHits(answer.path("hits")));
        }
        return answers.size() == 1 ? answers.getFirst() : ShardMerge.hits(answers, queries.length, nResults);
    }

    /**
     * Asks every shard's owner for its part of the answers (per leaf its best candidates, with their fields) and
     * merges them as a standalone process does ({@link SearchMerge}), with the same log position, retries and
     * refusals as {@link #query}.
     */
    @Override
    public List<SearchResult> search(CollectionView collection, List<SearchRequest> searches) {
        int shards = shardCount(collection);
        ObjectNode request = request(collection);
        wire.writeSearches(request, searches);
        request.put("onlyShard", shards == 1);
        List<List<ShardPartial>> partials = new ArrayList<>(shards);
        for (JsonNode answer : callEveryShard(collection, "search", request)) {
            partials.add(wire.readPartials(answer.path("partials")));
        }
        return SearchMerge.merge(searches, partials);
    }

    @Override
    public int count(CollectionView collection) {
        int count = 0;
        for (JsonNode answer : callEveryShard(collection, "count", request(collection))) {
            count += answer.path("count").intValue();
        }
        return count;
    }

    /** A gateway holds no shards: index files are on the search nodes, and metering sizes the log. */
    @Override
    public long diskBytes(CollectionView collection) {
        return 0;
    }

    /** The shards a read fans out to: the collection's, fixed at its creation. */
    private static int shardCount(CollectionView collection) {
        return collection.shardCount();
    }

    /**
     * The same read of every shard, in shard order. Several shards are asked at once, each call on a virtual thread
     * of its own (a call mostly waits: on its node, or between retries), so a read takes about as long as its
     * slowest shard rather than the sum. The first shard that fails the read interrupts the others.
     */
    private List<JsonNode> callEveryShard(CollectionView collection, String operation, ObjectNode request) {
        int shards = shardCount(collection);
        if (shards == 1) {
            return List.of(call(collection, 0, operation, request));
        }
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> answers = new ArrayList<>(shards);
            for (int shard = 0; shard < shards; shard++) {
                int number = shard;
                answers.add(calls.submit(() -> call(collection, number, operation, request)));
            }
            List<JsonNode> results = new ArrayList<>(shards);
            for (Future<JsonNode> answer : answers) {
                try {
                    results.add(answer.get());
                } catch (ExecutionException e) {
                    calls.shutdownNow();
                    if (e.getCause() instanceof RuntimeException failure) {
                        throw failure;
                    }
                    throw new IllegalStateException("a shard read failed", e.getCause());
                } catch (InterruptedException e) {
                    calls.shutdownNow();
                    Thread.currentThread().interrupt();
                    throw unavailable(new ShardKey(collection.id(), results.size()), "the request was interrupted");
                }
            }
            return results;
        }
    }

    private ObjectNode request(CollectionView collection) {
        ObjectNode request = wire.object();
        request.put("position", collection.logPosition());
        if (maxStaleness != null) {
            request.put("maxStalenessMillis", Math.max(1, maxStaleness.toMillis()));
        }
        return request;
    }

    /**
     * One read of one shard, tried until it succeeds or the retry budget is spent.
     * 1. Look the owner up (cached for a heartbeat); without one, wait: a lease that expired is taken within a
     *    heartbeat or two.
     * 2. Ask the node, unless its breaker is open. A refusal as not the owner, or a node out of reach, drops the
     *    cached owner so the next attempt reads the lease table again.
     * 3. A node's own answer that is not a retryable one (a collection deleted meanwhile) is passed on as it is.
     */
    private JsonNode call(CollectionView collection, int shard, String operation, ObjectNode request) {
        ShardKey key = new ShardKey(collection.id(), shard);
        byte[] body = wire.bytes(request);
        long deadline = System.nanoTime() + retryBudget.toNanos();
        Duration backoff = FIRST_BACKOFF;
        String problem;
        while (true) {
            Optional<ShardOwner> found = owners.owner(key);
            if (found.isEmpty()) {
                problem = "no search node holds it";
            } else {
                ShardOwner owner = found.get();
                CircuitBreaker breaker = breakers.circuitBreaker(owner.node().value());
                if (!breaker.tryAcquirePermission()) {
                    owners.forget(key);
                    problem = "its node " + owner.node() + " is failing";
                } else {
                    long started = System.nanoTime();
                    try {
                        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri(owner, key, operation))
                                .timeout(callTimeout)
                                .header("Content-Type", "application/json")
                                .header(ShardWire.SECRET_HEADER, secret)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(), HttpResponse.BodyHandlers.ofByteArray());
                        breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                        int status = response.statusCode();
                        if (status == 200) {
                            return wire.read(response.body());
                        }
                        JsonNode error = readError(response.body());
                        if (status == ShardWire.NOT_OWNER) {
                            owners.forget(key);
                            problem = "it is moving between nodes";
                        } else if (status == 503) {
                            problem = error.path("message").asString("its node is not ready");
                        } else {
                            throw nodeError(key, status, error);
                        }
                    } catch (IOException e) {
                        breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
                        owners.forget(key);
                        problem = "its node " + owner.node() + " did not answer (" + e.getClass().getSimpleName()
                                + ")";
                        log.debug("Call to node {} for shard {} failed", owner.node(), key, e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw unavailable(key, "the request was interrupted");
                    }
                }
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw unavailable(key, problem);
            }
            try {
                Thread.sleep(Math.min(backoff.toMillis(), TimeUnit.NANOSECONDS.toMillis(remaining) + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable(key, "the request was interrupted");
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private static URI uri(ShardOwner owner, ShardKey key, String operation) {
        String base = owner.advertiseUrl().toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/internal/v1/collections/" + key.collection() + "/shards/" + key.shard() + "/"
                + operation);
    }

    private JsonNode readError(byte[] body) {
        try {
            return wire.read(body);
        } catch (RuntimeException e) {
            return wire.object();
        }
    }

    private static QuiverException nodeError(ShardKey key, int status, JsonNode error) {
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(error.path("code").asString(""));
        } catch (IllegalArgumentException e) {
            code = null;
        }
        if (code == null || code == ErrorCode.INTERNAL || code == ErrorCode.UNAUTHENTICATED) {
            // A misconfigured secret or a node's bug is ours, not the client's: retryable, and logged here once.
            log.error("Search node answered {} for shard {}: {}", status, key, error);
            return unavailable(key, "its node failed");
        }
        return new QuiverException(code, error.path("message").asString(""));
    }

    private static QuiverException unavailable(ShardKey key, String problem) {
        return new QuiverException(ErrorCode.UNAVAILABLE, "Collection [" + key.collection() + "] shard "
                + key.shard() + " is not available right now: " + problem + "; retry the request");
    }
}
