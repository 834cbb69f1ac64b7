package dev.quiver.search.api;

import dev.quiver.tenant.api.DatabaseView;
import java.util.List;
import java.util.Optional;

/**
 * Collections of a database. Creating a taken name throws a {@code QuiverException} with {@code ALREADY_EXISTS}.
 * Thread-safe.
 */
public interface CollectionCatalog {

    /**
     * Creates a collection, or with {@code getOrCreate} returns the existing one of that name. With a
     * {@link CreateCollection#collectionLimit()} the count and the insert run in one transaction with the
     * database's row locked, so concurrent creates never exceed it.
     *
     * @throws dev.quiver.common.QuotaExceededException when the database already holds as many collections as the
     *                                                  limit allows; nothing is written
     */
    CollectionView create(CreateCollection command);

    Optional<CollectionView> findByName(DatabaseView database, String name);

    /** Finds a collection by id, only within the given database: another database's collection is not found. */
    Optional<CollectionView> findById(DatabaseView database, CollectionId id);

    /** Collections ordered by id, as the real Chroma server pages through them. */
    List<CollectionView> list(DatabaseView database, int limit, int offset);

    int count(DatabaseView database);

    void modify(CollectionView collection, CollectionChange change);

    /** Deletes the collection, its log and its shards. */
    void delete(CollectionView collection);

    /** Deletes every collection of the database, as when the database itself is deleted. */
    void deleteAll(DatabaseView database);
}
