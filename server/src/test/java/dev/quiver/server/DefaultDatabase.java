package dev.quiver.server;

import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.TenantCatalog;

/** Creates collections in the default tenant's default database, for ITs that work below the HTTP layer. */
final class DefaultDatabase {

    private DefaultDatabase() {
    }

    static CollectionView createCollection(TenantCatalog tenants, CollectionCatalog collections, String name) {
        DatabaseView database = tenants.findDatabase(tenants.findTenant(TenantCatalog.DEFAULT_TENANT).orElseThrow(),
                TenantCatalog.DEFAULT_DATABASE).orElseThrow();
        return collections.create(new CreateCollection(database, name, null, HnswConfiguration.DEFAULT, null, false));
    }
}
