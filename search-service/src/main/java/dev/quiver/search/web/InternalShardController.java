package dev.quiver.search.web;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.ConditionalOnRole;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.Role;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.collection.JdbcCollections;
import dev.quiver.search.engine.LocalRecordStore;
import dev.quiver.search.index.OrderedRecords;
import dev.quiver.search.ownership.ClusterProperties;
import dev.quiver.search.ownership.LeaseFence;
import dev.quiver.search.ownership.ShardKey;
import dev.quiver.search.remote.ShardWire;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a search node answers the gateways: reads of the shards it holds, each at least as of the log position the
 * gateway sends (the collection's position when the client's read began). Only callers that send the cluster's
 * secret are served; a shard this node does not hold answers {@link ShardWire#NOT_OWNER}, so the gateway looks the
 * owner up again. Registered on search-only nodes; gateways never route {@code /internal} outwards. Thread-safe.
 */
@RestController
@ConditionalOnRole(value = Role.SEARCH, only = true)
public final class InternalShardController {

    private static final Logger log = LoggerFactory.getLogger(InternalShardController.class);
    private static final String SHARD = "/internal/v1/collections/{collection}/shards/{shard}";

    private final byte[] secret;
    private final LeaseFence leases;
    private final JdbcCollections collections;
    private final LocalRecordStore records;
    private final ShardWire wire = new ShardWire();

    public InternalShardController(ClusterProperties properties, LeaseFence leases, JdbcCollections collections,
            LocalRecordStore records) {
        if (properties.secret() == null || properties.secret().isBlank()) {
            throw new IllegalStateException("quiver.cluster.secret must be set on a search node: gateways prove "
                    + "themselves with it");
        }
        this.secret = properties.secret().getBytes(StandardCharsets.UTF_8);
        this.leases = requireNonNull(leases, "leases is null");
        this.collections = requireNonNull(collections, "collections is null");
        this.records = requireNonNull(records, "records is null");
    }

    @PostMapping(SHARD + "/query")
    ResponseEntity<byte[]> query(@PathVariable String collection, @PathVariable int shard,
            @RequestHeader(name = ShardWire.SECRET_HEADER, required = false) String caller,
            @RequestBody byte[] body) {
        return answer(collection, shard, caller, body, (request) -> {
            ObjectNode answer = wire.object();
            Set<Include> include = wire.readInclude(request.body());
            answer.set("hits", wire.hits(request.records().query(request.view(), shard,
                    wire.readQueries(request.body()), request.body().path("nResults").intValue(),
                    wire.readFilter(request.body()), include)));
            return answer;
        });
    }

    @PostMapping(SHARD + "/search")
    ResponseEntity<byte[]> search(@PathVariable String collection, @PathVariable int shard,
            @RequestHeader(name = ShardWire.SECRET_HEADER, required = false) String caller,
            @RequestBody byte[] body) {
        return answer(collection, shard, caller, body, (request) -> {
            ObjectNode answer = wire.object();
            answer.set("partials", wire.partials(request.records().searchShard(request.view(), shard,
                    wire.readSearches(request.body()),
                    request.body().has("onlyShard") && request.body().get("onlyShard").booleanValue())));
            return answer;
        });
    }

    @PostMapping(SHARD + "/get")
    ResponseEntity<byte[]> get(@PathVariable String collection, @PathVariable int shard,
            @RequestHeader(name = ShardWire.SECRET_HEADER, required = false) String caller,
            @RequestBody byte[] body) {
        return answer(collection, shard, caller, body, (request) -> {
            ObjectNode answer = wire.object();
            RecordFilter filter = wire.readFilter(request.body());
            Set<Include> include = wire.readInclude(request.body());
            int offset = request.body().path("offset").intValue();
            int limit = request.body().path("limit").intValue();
            if (request.view().shardCount() == 1) {
                answer.set("records", wire.records(request.records().get(request.view(), filter, offset, limit,
                        include)));
                return answer;
            }
            // The gateway merges the shards' pages by insertion order, so each record travels with its order.
            OrderedRecords page = request.records().getOrdered(request.view(), shard, filter,
                    (int) Math.min(Integer.MAX_VALUE, (long) offset + limit), include);
            answer.set("records", wire.records(page.records()));
            var orders = answer.putArray("orders");
            for (long order : page.orders()) {
                orders.add(order);
            }
            return answer;
        });
    }

    @PostMapping(SHARD + "/count")
    ResponseEntity<byte[]> count(@PathVariable String collection, @PathVariable int shard,
            @RequestHeader(name = ShardWire.SECRET_HEADER, required = false) String caller,
            @RequestBody byte[] body) {
        return answer(collection, shard, caller, body, (request) -> {
            ObjectNode answer = wire.object();
            answer.put("count", request.records().count(request.view(), shard));
            return answer;
        });
    }

    @PostMapping(SHARD + "/ids")
    ResponseEntity<byte[]> ids(@PathVariable String collection, @PathVariable int shard,
            @RequestHeader(name = ShardWire.SECRET_HEADER, required = false) String caller,
            @RequestBody byte[] body) {
        return answer(collection, shard, caller, body, (request) -> {
            ObjectNode answer = wire.object();
            RecordFilter filter = wire.readFilter(request.body());
            var ids = answer.putArray("ids");
            records.matchingIds(request.view(), shard, filter).forEach(ids::add);
            return answer;
        });
    }

    /**
     * Serves one call.
     * 1. Refuse a caller without the secret (401), before reading anything.
     * 2. Refuse a shard this node does not hold ({@link ShardWire#NOT_OWNER}): it must not open it, and the
     *    gateway's idea of the owner is stale.
     * 3. Read the collection and answer as of the position sent; a position the shard cannot reach within its read
     *    timeout is a 503, which the gateway may retry.
     */
    private ResponseEntity<byte[]> answer(String collection, int shard, String caller, byte[] body,
            Function<Request, ObjectNode> handler) {
        if (caller == null || !MessageDigest.isEqual(secret, caller.getBytes(StandardCharsets.UTF_8))) {
            return error(401, ErrorCode.UNAUTHENTICATED, "Missing or wrong cluster secret");
        }
        CollectionId id;
        try {
            id = new CollectionId(UUID.fromString(collection));
        } catch (IllegalArgumentException e) {
            return error(404, ErrorCode.COLLECTION_NOT_FOUND, "Collection [" + collection + "] does not exist.");
        }
        if (shard < 0) {
            return error(404, ErrorCode.COLLECTION_NOT_FOUND, "Collection [" + collection + "] has no shard " + shard);
        }
        ShardKey key = new ShardKey(id, shard);
        if (leases.heldEpoch(key).isEmpty()) {
            return error(ShardWire.NOT_OWNER, ErrorCode.UNAVAILABLE, "This node does not hold shard " + key);
        }
        try {
            JsonNode request = wire.read(body);
            Optional<CollectionView> found = collections.findById(id);
            if (found.isEmpty()) {
                return error(404, ErrorCode.COLLECTION_NOT_FOUND, "Collection [" + id + "] does not exist.");
            }
            CollectionView view = atPosition(found.get(), request.path("position").longValue());
            if (shard >= view.shardCount()) {
                return error(404, ErrorCode.COLLECTION_NOT_FOUND, "Collection [" + id + "] has no shard " + shard);
            }
            // Optional members: a missing node has no value to coerce, so each is looked for first.
            long maxStalenessMillis = request.has("maxStalenessMillis")
                    ? request.get("maxStalenessMillis").longValue() : 0;
            LocalRecordStore store = maxStalenessMillis > 0
                    ? records.withMaxStaleness(Duration.ofMillis(maxStalenessMillis)) : records;
            return ok(handler.apply(new Request(view, request, store)));
        } catch (QuiverException e) {
            return error(e.code().status(), e.code(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("Internal call for shard {} failed", key, e);
            return error(500, ErrorCode.INTERNAL, "The search node failed; see its log");
        }
    }

    /** The view with the gateway's log position: the answer must include at least that. */
    private static CollectionView atPosition(CollectionView view, long position) {
        return view.withLogPosition(Math.max(position, 0));
    }

    private ResponseEntity<byte[]> ok(ObjectNode answer) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(wire.bytes(answer));
    }

    private ResponseEntity<byte[]> error(int status, ErrorCode code, String message) {
        ObjectNode body = wire.object();
        body.put("code", code.name());
        body.put("message", message);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(wire.bytes(body));
    }

    /** One call: the view at the gateway's position, the body, and the store with the staleness it allows. */
    private record Request(CollectionView view, JsonNode body, LocalRecordStore records) {
    }
}
