package dev.quiver.search.engine;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.QuotaLimit;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionChange;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.collection.JdbcCollections;
import dev.quiver.search.counter.JdbcRecordSizes;
import dev.quiver.search.shard.ShardRegistry;
import dev.quiver.search.wal.JdbcWal;
import dev.quiver.tenant.api.DatabaseView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The catalogue of this process: collection rows in PostgreSQL, and on delete the collection's log and shard
 * files. Lookups by id go through the {@link CollectionCache}, which every change here evicts after it commits.
 * Thread-safe.
 */
public final class LocalCollectionCatalog implements CollectionCatalog {

    private final JdbcCollections collections;
    private final JdbcWal wal;
    private final JdbcRecordSizes sizes;
    /** Null in a gateway-only process, which holds no shards. */
    private final @Nullable ShardRegistry shards;
    private final TransactionTemplate transactions;
    private final CollectionCache cache;
    /** The shard count of a collection created without one. */
    private final int defaultShardCount;
    /** The most shards a collection may ask for. */
    private final int maxShardCount;

    public LocalCollectionCatalog(JdbcCollections collections, JdbcWal wal, JdbcRecordSizes sizes,
            @Nullable ShardRegistry shards, TransactionTemplate transactions, CollectionCache cache) {
        this(collections, wal, sizes, shards, transactions, cache, 1, 64);
    }

    public LocalCollectionCatalog(JdbcCollections collections, JdbcWal wal, JdbcRecordSizes sizes,
            @Nullable ShardRegistry shards, TransactionTemplate transactions, CollectionCache cache,
            int defaultShardCount, int maxShardCount) {
        if (defaultShardCount < 1 || defaultShardCount > maxShardCount) {
            throw new IllegalArgumentException("defaultShardCount must be in [1, " + maxShardCount + "]: "
                    + defaultShardCount);
        }
        this.defaultShardCount = defaultShardCount;
        this.maxShardCount = maxShardCount;
        this.collections = collections;
        this.wal = wal;
        this.sizes = sizes;
        this.shards = shards;
        this.transactions = transactions;
        this.cache = cache;
    }

    /**
     * Creates a collection; its shard count comes from the command, else from its metadata's
     * {@link CollectionView#SHARD_COUNT_KEY}, else the default, and is checked before anything is written.
     */
    @Override
    public CollectionView create(CreateCollection request) {
        CreateCollection command = request.withShardCount(shardCount(request));
        if (command.getOrCreate()) {
            Optional<CollectionView> existing = collections.findByName(command.database(), command.name());
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        try {
            return transactions.execute(status -> insert(command));
        } catch (QuiverException e) {
            // Two get_or_create calls raced; the loser returns the winner's collection.
            if (command.getOrCreate() && e.code() == ErrorCode.ALREADY_EXISTS) {
                return collections.findByName(command.database(), command.name()).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    /**
     * Inserts the collection, inside the caller's transaction. With a limit:
     * 1. Lock the database's row, so concurrent creators in this database queue here until we commit.
     * 2. For get-or-create, look again under the lock: an existing collection is returned and counts nothing.
     * 3. Count the committed collections and refuse when one more would exceed the limit.
     * 4. Insert, still holding the lock.
     */
    private CollectionView insert(CreateCollection command) {
        QuotaLimit limit = command.collectionLimit();
        if (limit != null) {
            if (!collections.lockDatabase(command.database())) {
                throw new QuiverException(ErrorCode.DATABASE_NOT_FOUND,
                        "Database [" + command.database().name() + "] not found");
            }
            if (command.getOrCreate()) {
                Optional<CollectionView> existing = collections.findByName(command.database(), command.name());
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            limit.check("Create Collection", collections.count(command.database()) + 1L);
        }
        return collections.insert(command);
    }

    @Override
    public Optional<CollectionView> findByName(DatabaseView database, String name) {
        return collections.findByName(database, name);
    }

    @Override
    public Optional<CollectionView> findById(DatabaseView database, CollectionId id) {
        return cache.findById(database, id);
    }

    @Override
    public List<CollectionView> list(DatabaseView database, int limit, int offset) {
        return collections.list(database, limit, offset);
    }

    @Override
    public int count(DatabaseView database) {
        return collections.count(database);
    }

    private int shardCount(CreateCollection command) {
        Integer requested = command.shardCount() != null ? command.shardCount()
                : CreateCollection.shardCountOf(command.metadata());
        int count = requested == null ? defaultShardCount : requested;
        if (count < 1 || count > maxShardCount) {
            String field = "metadata." + CollectionView.SHARD_COUNT_KEY;
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, field, "range", "Validation error: "
                    + field + ": must be between 1 and " + maxShardCount + ", got " + count);
        }
        return count;
    }

    /**
     * Modifies a collection. The shard count cannot change (every record would have to move): new metadata that
     * names another count is refused, and new metadata without the key keeps the old value, so the collection
     * goes on showing its shard count.
     */
    @Override
    public void modify(CollectionView collection, CollectionChange request) {
        CollectionChange change = request;
        Map<String, MetadataValue> metadata = request.newMetadata();
        if (metadata != null) {
            MetadataValue asked = metadata.get(CollectionView.SHARD_COUNT_KEY);
            MetadataValue kept = collection.metadata() == null ? null
                    : collection.metadata().get(CollectionView.SHARD_COUNT_KEY);
            if (asked != null && !asked.equals(new MetadataValue.IntValue(collection.shardCount()))) {
                String field = "new_metadata." + CollectionView.SHARD_COUNT_KEY;
                throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, field, "immutable",
                        "Validation error: " + field + ": the shard count is fixed at creation; collection ["
                                + collection.name() + "] has " + collection.shardCount() + " shards");
            }
            if (asked == null && kept != null) {
                Map<String, MetadataValue> withKey = new HashMap<>(metadata);
                withKey.put(CollectionView.SHARD_COUNT_KEY, kept);
                change = new CollectionChange(request.newName(), withKey, request.newHnsw());
            }
        }
        CollectionChange checked = change;
        transactions.executeWithoutResult(status -> collections.update(collection, checked));
        cache.invalidate(collection.id());
    }

    /**
     * Deletes a collection.
     * 1. Delete its row, its log and its records' sizes in one transaction: from then on it is not found, nothing
     *    can be applied, and the tenant's storage no longer sums its bytes.
     * 2. Evict it from the cache, so no later request finds it.
     * 3. Close its shards and delete their files. A crash between the steps leaves files no row names; they are
     *    never opened again.
     */
    @Override
    public void delete(CollectionView collection) {
        transactions.executeWithoutResult(status -> {
            collections.delete(collection.id());
            wal.deleteCollection(collection.database().tenant().id(), collection.id());
            sizes.deleteCollection(collection.database().tenant().id(), collection.id());
        });
        cache.forget(collection.id());
        if (shards != null) {
            shards.drop(collection.id());
        }
    }

    @Override
    public void deleteAll(DatabaseView database) {
        List<CollectionView> all;
        while (!(all = collections.list(database, 1000, 0)).isEmpty()) {
            for (CollectionView collection : all) {
                delete(collection);
            }
        }
    }
}
