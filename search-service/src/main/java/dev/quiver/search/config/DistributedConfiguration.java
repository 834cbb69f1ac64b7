package dev.quiver.search.config;

import dev.quiver.common.ConditionalOnRole;
import dev.quiver.common.Role;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.collection.JdbcCollections;
import dev.quiver.search.engine.LeasedShards;
import dev.quiver.search.engine.LogAppender;
import dev.quiver.search.ownership.ClusterProperties;
import dev.quiver.search.ownership.JdbcShardLeases;
import dev.quiver.search.ownership.LeaseFence;
import dev.quiver.search.ownership.ShardOwners;
import dev.quiver.search.remote.RemoteRecordStore;
import dev.quiver.search.shard.Shard;
import dev.quiver.search.shard.ShardRegistry;
import dev.quiver.search.wal.LogNotifications;
import dev.quiver.search.wal.LogNotifier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The search service in a cluster ({@code quiver.roles} not both): a search node opens the shards its leases give it
 * and is woken by the log's notifications; a gateway appends, notifies, and reads through the shards' owners. Both
 * need {@code quiver.cluster.enabled} and {@code quiver.cluster.secret}, and refuse to start without them.
 */
@Configuration(proxyBeanMethods = false)
class DistributedConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnRole(value = Role.SEARCH, only = true)
    static class SearchNode {

        @Bean
        LeaseFence leaseFence(ObjectProvider<JdbcShardLeases> leases, ClusterProperties properties,
                TransactionTemplate transactions) {
            requireCluster(properties, "search");
            return new LeaseFence(leases.getObject(), transactions);
        }

        /** Opens won shards off the ownership thread: a restore may download for a while. */
        @Bean(destroyMethod = "shutdownNow")
        ExecutorService shardOpener() {
            return Executors.newSingleThreadExecutor(Thread.ofPlatform().name("quiver-shard-opener").daemon()
                    .factory());
        }

        @Bean
        LeasedShards leasedShards(LeaseFence fence, ShardRegistry shards, JdbcCollections collections,
                ExecutorService shardOpener) {
            return new LeasedShards(fence, shards, collections, shardOpener);
        }

        /**
         * Wakes a shard when a gateway appends to its log, and every lease duration wakes all of them regardless. The
         * fallback can be that slow: a read never depends on it (it carries the log position and wakes the shard
         * itself), and each wake-up of an idle shard costs a log read, so a node with many shards polls rarely.
         */
        @Bean(initMethod = "start", destroyMethod = "close")
        LogNotifications logNotifications(DataSource dataSource, ShardRegistry shards, ClusterProperties properties) {
            return new LogNotifications(dataSource, collection -> shards.find(collection).forEach(Shard::schedule),
                    () -> shards.shards().forEach(Shard::schedule), properties.leaseDuration());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnRole(value = Role.GATEWAY, only = true)
    static class Gateway {

        /** Sends the append's notification in its transaction: the search nodes hold the shards. */
        @Bean
        LogNotifier logNotifier(JdbcClient jdbc) {
            return new LogNotifier(jdbc);
        }

        /**
         * Reads go to the owners. A call may take the node's read timeout (it waits for its shard to catch up) plus
         * a margin; a read tries for up to two lease durations, time enough for a dead node's lease to expire and
         * another node to take the shard, and answers 503 after that.
         */
        @Bean
        RecordStore recordStore(LogAppender appender, ObjectProvider<ShardOwners> owners,
                ClusterProperties properties, SearchProperties search) {
            requireCluster(properties, "gateway");
            return new RemoteRecordStore(appender, owners.getObject(), properties.secret(),
                    search.readTimeout().plusSeconds(2), properties.leaseDuration().multipliedBy(2),
                    properties.heartbeatInterval());
        }
    }

    private static void requireCluster(ClusterProperties properties, String role) {
        if (!properties.enabled()) {
            throw new IllegalStateException("quiver.roles=" + role + " needs quiver.cluster.enabled=true");
        }
        if (properties.secret() == null || properties.secret().isBlank()) {
            throw new IllegalStateException("quiver.roles=" + role + " needs quiver.cluster.secret, the secret "
                    + "gateways and search nodes share");
        }
    }
}
