package dev.quiver.search.ownership;

import dev.quiver.common.ConditionalOnRole;
import dev.quiver.common.Role;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Registers this process as a search node and runs its shard ownership, only when {@code quiver.cluster.enabled}
 * is true. The properties are bound and checked either way, so a bad value fails at startup, not when the cluster
 * is first turned on.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClusterProperties.class)
class ClusterConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty("quiver.cluster.enabled")
    static class Enabled {

        /**
         * The lease statements' own handle, with a statement timeout of one heartbeat interval (at least the
         * driver's one second): a round stuck on the database must fail in time for {@link ShardOwnership} to drop
         * its leases before they could be another node's, never hang past them.
         */
        @Bean
        JdbcShardLeases jdbcShardLeases(DataSource dataSource, ClusterProperties properties) {
            return new JdbcShardLeases(timedClient(dataSource, properties));
        }

        @Bean
        JdbcSearchNodes jdbcSearchNodes(DataSource dataSource, ClusterProperties properties) {
            return new JdbcSearchNodes(timedClient(dataSource, properties));
        }

        /** Owners for routing, kept for one heartbeat interval: leases change at most once per round. */
        @Bean
        ShardOwners shardOwners(JdbcShardLeases leases, ClusterProperties properties) {
            return new ShardOwners(leases, properties.heartbeatInterval());
        }

        /**
         * Started and stopped by {@link #shardOwnershipLifecycle}, not by the bean's own lifecycle. Only where shards
         * are served: a gateway of a cluster reads the leases but never holds one.
         */
        @Bean(destroyMethod = "")
        @ConditionalOnRole(Role.SEARCH)
        ShardOwnership shardOwnership(ClusterProperties properties, Environment environment, JdbcSearchNodes nodes,
                JdbcShardLeases leases, ShardOwners owners, ObjectProvider<ShardOwnershipListener> listeners) {
            NodeId node = properties.nodeId() != null
                    ? new NodeId(properties.nodeId())
                    : NodeIdFile.readOrCreate(Path.of(environment.getProperty("quiver.data-dir", "data")));
            // Read when ownership starts, after the web server: with server.port=0 only then is the port known.
            Supplier<URI> advertiseUrl = () -> properties.advertiseUrl() != null
                    ? properties.advertiseUrl()
                    : URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port",
                            environment.getProperty("server.port", "8080")));
            return new ShardOwnership(node, advertiseUrl, nodes, leases, owners,
                    listeners.getIfAvailable(() -> ShardOwnershipListener.NONE), properties.heartbeatInterval(),
                    properties.leaseDuration());
        }

        /**
         * Starts ownership after every other bean (the shard registry that listens among them) and stops it first,
         * so a clean shutdown releases the shards while the node can still finish the requests it has.
         */
        @Bean
        @ConditionalOnRole(Role.SEARCH)
        SmartLifecycle shardOwnershipLifecycle(ShardOwnership ownership) {
            return new SmartLifecycle() {
                private volatile boolean running;

                @Override
                public void start() {
                    ownership.start();
                    running = true;
                }

                @Override
                public void stop() {
                    running = false;
                    ownership.close();
                }

                @Override
                public boolean isRunning() {
                    return running;
                }
            };
        }

        /** Cluster meters of this node; no per-shard tags. */
        @Bean
        @ConditionalOnRole(Role.SEARCH)
        MeterBinder clusterMeters(ShardOwnership ownership) {
            return registry -> {
                Gauge.builder("quiver.cluster.nodes.live", ownership, ShardOwnership::liveNodes)
                        .description("Search nodes whose heartbeat is within the lease duration, as this node saw")
                        .register(registry);
                Gauge.builder("quiver.cluster.shards.owned", ownership, ShardOwnership::ownedCount)
                        .description("Shards this node holds the lease of")
                        .register(registry);
                FunctionCounter.builder("quiver.cluster.leases.lost", ownership, ShardOwnership::lostLeases)
                        .description("Leases this node lost without releasing them: taken over or not renewed")
                        .register(registry);
            };
        }

        private static JdbcClient timedClient(DataSource dataSource, ClusterProperties properties) {
            JdbcTemplate template = new JdbcTemplate(dataSource);
            Duration heartbeat = properties.heartbeatInterval();
            template.setQueryTimeout((int) Math.max(1, heartbeat.plusMillis(999).toSeconds()));
            return JdbcClient.create(template);
        }
    }
}
