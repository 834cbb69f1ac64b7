package dev.quiver.search.engine;

import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.shard.ShardRegistry;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens every collection's shard once the process is up, so each replays the log after its last commit in the
 * background instead of on the first request. Reads that arrive earlier simply wait for their shard.
 */
public final class StartupRecovery {

    private static final Logger log = LoggerFactory.getLogger(StartupRecovery.class);

    private final TenantCatalog tenants;
    private final CollectionCatalog collections;
    private final ShardRegistry shards;

    public StartupRecovery(TenantCatalog tenants, CollectionCatalog collections, ShardRegistry shards) {
        this.tenants = tenants;
        this.collections = collections;
        this.shards = shards;
    }

    public void openAll() {
        int opened = 0;
        for (TenantView tenant : tenants.listTenants()) {
            for (DatabaseView database : tenants.listDatabases(tenant, Integer.MAX_VALUE, 0)) {
                for (CollectionView collection : collections.list(database, Integer.MAX_VALUE, 0)) {
                    try {
                        shards.shard(collection);
                        opened++;
                    } catch (RuntimeException e) {
                        log.warn("Cannot open the shard of collection {}; it will be retried on first use",
                                collection.id(), e);
                    }
                }
            }
        }
        log.info("Opened {} shards; each replays its log in the background", opened);
    }
}
