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
 * Once the process is up, opens the shards whose local commit is behind their collection's log (a crash, or writes
 * logged by another process), so each replays in the background instead of on its first request, and its
 * checkpoint lets the log be truncated. Every other shard stays closed until a request needs it: a node with
 * 10,000 collections starts without opening 10,000 indexes, and one whose local files are gone restores them on
 * first use rather than downloading every checkpoint at start. Reads that arrive earlier simply wait for their
 * shard.
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

    public void openBehind() {
        int opened = 0;
        int seen = 0;
        for (TenantView tenant : tenants.listTenants()) {
            for (DatabaseView database : tenants.listDatabases(tenant, Integer.MAX_VALUE, 0)) {
                for (CollectionView collection : collections.list(database, Integer.MAX_VALUE, 0)) {
                    for (int number = 0; number < collection.shardCount(); number++) {
                        seen++;
                        try {
                            if (shards.behindLog(collection, number)) {
                                shards.shard(collection, number);
                                opened++;
                            }
                        } catch (RuntimeException e) {
                            log.warn("Cannot open shard {} of collection {}; it will be retried on first use",
                                    number, collection.id(), e);
                        }
                    }
                }
            }
        }
        log.info("Opened {} of {} shards, those behind their log; each replays it in the background", opened, seen);
    }
}
