package dev.quiver.search.engine;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.QuotaLimit;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionChange;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.search.collection.JdbcCollections;
import dev.quiver.search.counter.JdbcRecordSizes;
import dev.quiver.search.shard.ShardRegistry;
import dev.quiver.search.wal.JdbcWal;
import dev.quiver.tenant.api.DatabaseView;
import java.util.List;
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

    public LocalCollectionCatalog(JdbcCollections collections, JdbcWal wal, JdbcRecordSizes sizes,
            @Nullable ShardRegistry shards, TransactionTemplate transactions, CollectionCache cache) {
        this.collections = collections;
        this.wal = wal;
        this.sizes = sizes;
        this.shards = shards;
        this.transactions = transactions;
        this.cache = cache;
    }

    @Override
    public CollectionView create(CreateCollection command) {
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

    @Override
    public void modify(CollectionView collection, CollectionChange change) {
        transactions.executeWithoutResult(status -> collections.update(collection, change));
        cache.invalidate(collection.id());
    }

    /**
     * Deletes a collection.
     * 1. Delete its row, its log and its records' sizes in one transaction: from then on it is not found, nothing
     *    can be applied, and the tenant's storage no longer sums its bytes.
     * 2. Evict it from the cache, so no later request finds it.
     * 3. Close its shard and delete the files. A crash between the steps leaves files no row names; they are
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
