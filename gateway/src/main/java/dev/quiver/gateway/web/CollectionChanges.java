package dev.quiver.gateway.web;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.Quota;
import dev.quiver.common.Privilege;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.tenant.api.Principal;
import org.springframework.stereotype.Component;

/**
 * Creating and deleting a collection, the same from the Chroma routes and the console's {@code Workspace}: the
 * privilege, the plan's quota on collections per database, the change, and the audit entry. Callers pass a database or collection already resolved as the
 * principal may see it, so what it may not see has been answered with 404 before any of this, and they have
 * validated the request. Thread-safe.
 */
@Component
class CollectionChanges {

    private final CollectionCatalog collections;
    private final Audit audit;
    private final Quotas quotas;

    CollectionChanges(CollectionCatalog collections, Audit audit, Quotas quotas) {
        this.collections = requireNonNull(collections, "collections is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.quotas = requireNonNull(quotas, "quotas is null");
    }

    /**
     * Creates the collection; {@code ALREADY_EXISTS} when the name is taken, unless it is a get-or-create, and
     * {@code QUOTA_EXCEEDED} when the database holds as many collections as the tenant's plan allows (the search
     * module counts and inserts in one transaction; returning an existing collection counts nothing).
     */
    CollectionView create(Principal caller, CreateCollection command) {
        caller.require(Privilege.COLLECTION_CREATE);
        // get_or_create of an existing collection creates nothing, so it is not audited.
        boolean existed = command.getOrCreate()
                && collections.findByName(command.database(), command.name()).isPresent();
        CollectionView created = quotas.counted(() -> collections.create(command.withCollectionLimit(
                quotas.limits(command.database().tenant()).quota(Quota.COLLECTIONS_PER_DATABASE))));
        if (!existed) {
            audit.collectionCreated(caller, command.database(), created.name());
        }
        return created;
    }

    /** Deletes the collection, its log and its shards. */
    void delete(Principal caller, CollectionView collection) {
        caller.require(Privilege.COLLECTION_DELETE);
        collections.delete(collection);
        audit.collectionDeleted(caller, collection.database(), collection.name());
    }
}
