package dev.quiver.search.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.index.WhereDocumentIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.util.unit.DataSize;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.annotation.Configuration;

class SearchPropertiesTests {

    @Test
    void defaultsAreRecorded() {
        SearchProperties properties = bind(Map.of());

        assertThat(properties.shardsDirectory()).isEqualTo(Path.of("data/shards"));
        assertThat(properties.indexThreads()).isZero();
        assertThat(properties.effectiveIndexThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(properties.readTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(properties.walPageSize()).isEqualTo(4);
        assertThat(properties.refreshRecords()).isEqualTo(50_000);
        assertThat(properties.commitInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.checkpointInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(properties.checkpointThreads()).isEqualTo(2);
        assertThat(properties.logRetention()).isEqualTo(Duration.ofHours(24));
        assertThat(properties.closeAfterIdle()).isEqualTo(Duration.ofMinutes(10));
        assertThat(properties.maxOpenShards()).isEqualTo(1000);
        assertThat(properties.defaultShardCount()).isEqualTo(1);
        assertThat(properties.maxShardCount()).isEqualTo(64);
        assertThat(properties.localDiskBudget()).isNull();
        assertThat(properties.localDiskBudgetBytes()).isEqualTo(Long.MAX_VALUE);
        assertThat(properties.soleWriter()).isFalse();
        assertThat(properties.whereDocumentIndex()).isEqualTo(WhereDocumentIndex.TRIGRAMS);
    }

    @Test
    void everyKeyBinds() {
        SearchProperties properties = bind(Map.ofEntries(
                Map.entry("quiver.search.shards-directory", "/srv/quiver/shards"),
                Map.entry("quiver.search.index-threads", "3"),
                Map.entry("quiver.search.read-timeout", "5"),
                Map.entry("quiver.search.wal-page-size", "8"),
                Map.entry("quiver.search.refresh-records", "1000"),
                Map.entry("quiver.search.commit-interval", "2m"),
                Map.entry("quiver.search.checkpoint-interval", "5s"),
                Map.entry("quiver.search.checkpoint-threads", "4"),
                Map.entry("quiver.search.log-retention", "0s"),
                Map.entry("quiver.search.close-after-idle", "30s"),
                Map.entry("quiver.search.max-open-shards", "50"),
                Map.entry("quiver.search.local-disk-budget", "20GB"),
                Map.entry("quiver.search.sole-writer", "true"),
                Map.entry("quiver.search.default-shard-count", "2"),
                Map.entry("quiver.search.max-shard-count", "16"),
                Map.entry("quiver.search.where-document-index", "scan")));

        assertThat(properties.shardsDirectory()).isEqualTo(Path.of("/srv/quiver/shards"));
        assertThat(properties.effectiveIndexThreads()).isEqualTo(3);
        assertThat(properties.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(properties.walPageSize()).isEqualTo(8);
        assertThat(properties.refreshRecords()).isEqualTo(1000);
        assertThat(properties.commitInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(properties.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(properties.checkpointThreads()).isEqualTo(4);
        assertThat(properties.logRetention()).isZero();
        assertThat(properties.closeAfterIdle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.maxOpenShards()).isEqualTo(50);
        assertThat(properties.defaultShardCount()).isEqualTo(2);
        assertThat(properties.maxShardCount()).isEqualTo(16);
        assertThat(properties.localDiskBudget()).isEqualTo(DataSize.ofGigabytes(20));
        assertThat(properties.localDiskBudgetBytes()).isEqualTo(20L * 1024 * 1024 * 1024);
        assertThat(properties.soleWriter()).isTrue();
        assertThat(properties.whereDocumentIndex()).isEqualTo(WhereDocumentIndex.SCAN);
    }

    @Test
    void badValueStopsStartupNamingTheKey() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(PropertiesOnly.class)
                .withPropertyValues("quiver.search.wal-page-size=0")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.search.wal-page-size")
                        .hasMessageContaining("walPageSize"));
    }

    @Test
    void checkpointIntervalBelowASecondStopsStartupNamingTheKey() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(PropertiesOnly.class)
                .withPropertyValues("quiver.search.checkpoint-interval=10ms")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.search.checkpoint-interval"));
    }

    @Test
    void maxOpenShardsOfZeroStopsStartupNamingTheKey() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(PropertiesOnly.class)
                .withPropertyValues("quiver.search.max-open-shards=0")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.search.max-open-shards"));
    }

    @Test
    void aDefaultShardCountAboveTheMaximumStopsStartupNamingTheKey() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(PropertiesOnly.class)
                .withPropertyValues("quiver.search.default-shard-count=8", "quiver.search.max-shard-count=4")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("quiver.search.default-shard-count"));
    }

    @Test
    void emptyLocalDiskBudgetStopsStartupNamingTheKey() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(PropertiesOnly.class)
                .withPropertyValues("quiver.search.local-disk-budget=0B")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("quiver.search.local-disk-budget"));
    }

    @Test
    void anUnknownWhereDocumentIndexStopsStartupNamingTheKey() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(PropertiesOnly.class)
                .withPropertyValues("quiver.search.where-document-index=ngrams")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("quiver.search.where-document-index"));
    }

    private static SearchProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("quiver.search", SearchProperties.class);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SearchProperties.class)
    static class PropertiesOnly {
    }
}
