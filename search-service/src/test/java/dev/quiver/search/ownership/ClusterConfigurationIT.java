package dev.quiver.search.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The cluster configuration in a Spring context on a real PostgreSQL: off by default, a working node when on. */
class ClusterConfigurationIT {

    private final OwnershipDatabase database = OwnershipDatabase.get();
    private final JdbcClient jdbc = database.jdbc();

    @TempDir
    Path dataDirectory;

    private ApplicationContextRunner runner;

    @BeforeEach
    void context() {
        database.clear();
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withBean(DataSource.class, database::dataSource)
                .withUserConfiguration(ClusterConfiguration.class)
                .withPropertyValues("quiver.data-dir=" + dataDirectory, "server.port=8123",
                        "quiver.cluster.heartbeat-interval=100ms", "quiver.cluster.lease-duration=1s");
    }

    @Test
    void byDefaultTheProcessIsNoSearchNodeAndOwnsNothing() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(ClusterProperties.class);
            assertThat(context).doesNotHaveBean(ShardOwnership.class);
            assertThat(context).doesNotHaveBean(JdbcShardLeases.class);
        });
        assertThat(nodeCount()).isZero();
        assertThat(dataDirectory.resolve(NodeIdFile.NAME)).doesNotExist();
    }

    @Test
    void whenEnabledThenTheNodeRegistersUnderTheIdKeptInTheDataDirectoryAndTakesShards() {
        List<ShardKey> shards = database.collection(3);

        runner.withPropertyValues("quiver.cluster.enabled=true").run(context -> {
            assertThat(context).hasNotFailed();
            ShardOwnership ownership = context.getBean(ShardOwnership.class);
            String kept = Files.readString(dataDirectory.resolve(NodeIdFile.NAME)).strip();
            assertThat(ownership.node().value()).isEqualTo(kept);
            assertThat(jdbc.sql("select advertise_url from quiver.search_nodes where id = :id")
                    .param("id", kept).query(String.class).single()).isEqualTo("http://127.0.0.1:8123");

            await().atMost(Duration.ofSeconds(10)).until(() -> ownership.ownedCount() == shards.size());

            MeterRegistry meters = new SimpleMeterRegistry();
            context.getBean("clusterMeters", MeterBinder.class).bindTo(meters);
            assertThat(meters.get("quiver.cluster.shards.owned").gauge().value()).isEqualTo(3.0);
            assertThat(meters.get("quiver.cluster.nodes.live").gauge().value()).isEqualTo(1.0);
            assertThat(meters.get("quiver.cluster.leases.lost").functionCounter().count()).isZero();
        });

        assertThat(nodeCount()).as("deregistered when the context closed").isZero();
        assertThat(jdbc.sql("select count(*) from quiver.shard_leases where owner_node is not null")
                .query(Long.class).single()).as("released when the context closed").isZero();
    }

    @Test
    void aRestartedNodeKeepsItsId() {
        String[] ids = new String[2];
        for (int run = 0; run < 2; run++) {
            int index = run;
            runner.withPropertyValues("quiver.cluster.enabled=true")
                    .run(context -> ids[index] = context.getBean(ShardOwnership.class).node().value());
        }

        assertThat(ids[0]).isNotBlank().isEqualTo(ids[1]);
    }

    @Test
    void aConfiguredNodeIdAndAddressWin() {
        runner.withPropertyValues("quiver.cluster.enabled=true", "quiver.cluster.node-id=search-7",
                "quiver.cluster.advertise-url=http://search-7.search:8000").run(context -> {
                    assertThat(context.getBean(ShardOwnership.class).node()).isEqualTo(new NodeId("search-7"));
                    assertThat(jdbc.sql("select advertise_url from quiver.search_nodes where id = 'search-7'")
                            .query(String.class).single()).isEqualTo("http://search-7.search:8000");
                });

        assertThat(dataDirectory.resolve(NodeIdFile.NAME)).doesNotExist();
    }

    @Test
    void theDefaultAddressCarriesThePortTheWebServerGot() {
        // Boot sets local.server.port once the web server listens, which with server.port=0 is the only port.
        runner.withPropertyValues("quiver.cluster.enabled=true", "server.port=0", "local.server.port=43210")
                .run(context -> {
                    String node = context.getBean(ShardOwnership.class).node().value();
                    assertThat(jdbc.sql("select advertise_url from quiver.search_nodes where id = :id")
                            .param("id", node).query(String.class).single()).isEqualTo("http://127.0.0.1:43210");
                });
    }

    private long nodeCount() {
        return jdbc.sql("select count(*) from quiver.search_nodes").query(Long.class).single();
    }
}
