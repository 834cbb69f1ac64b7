package dev.quiver.search.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** The ObjectStore bean as start-up builds it, against s3proxy for type s3. */
class ObjectStoreConfigurationIT {

    private static S3Server server;

    @TempDir
    Path work;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(TestBeans.class, ObjectStoreConfiguration.class);

    @BeforeAll
    static void startServer() {
        server = S3Server.start();
        server.createBucket("existing");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void filesystemTypeStoresUnderTheDirectoryWithRetries() {
        runner.withPropertyValues("quiver.object-store.directory=" + work.resolve("objects"))
                .run(context -> {
                    ObjectStore store = context.getBean(ObjectStore.class);
                    store.put("a/b", new byte[] {1});

                    assertThat(store).isInstanceOf(RetryingObjectStore.class);
                    assertThat(work.resolve("objects/a/b")).exists();
                });
    }

    @Test
    void s3TypeUsesAnExistingBucketAndClosesItsClientOnShutdown() {
        AtomicReference<ObjectStore> closed = new AtomicReference<>();
        s3Runner("existing").run(context -> {
            ObjectStore store = context.getBean(ObjectStore.class);
            store.put("a/b", new byte[] {2});

            assertThat(store).isInstanceOf(RetryingObjectStore.class);
            assertThat(store.read("a/b")).hasValue(new byte[] {2});
            closed.set(store);
        });

        assertThatThrownBy(() -> closed.get().read("a/b")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void s3TypeCreatesAMissingBucketWhenAskedTo() {
        s3Runner("created").withPropertyValues("quiver.object-store.s3.create-bucket=true").run(context -> {
            ObjectStore store = context.getBean(ObjectStore.class);
            store.put("a/b", new byte[] {3});

            assertThat(store.list("a/")).containsExactly(new StoredObject("a/b", 1));
        });
    }

    @Test
    void s3TypeCreatesAMissingBucketInTheConfiguredRegion() {
        s3Runner("regional").withPropertyValues("quiver.object-store.s3.create-bucket=true",
                "quiver.object-store.s3.region=eu-west-1").run(context -> {
                    ObjectStore store = context.getBean(ObjectStore.class);
                    store.put("a/b", new byte[] {4});

                    assertThat(store.read("a/b")).hasValue(new byte[] {4});
                });
    }

    @Test
    void s3TypeWithAMissingBucketStopsStartupNamingTheSettings() {
        s3Runner("missing").run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("The S3 bucket missing (quiver.object-store.s3.bucket) does not exist")
                .hasStackTraceContaining("quiver.object-store.s3.create-bucket=true"));
    }

    @Test
    void s3TypeWithAnUnreachableEndpointStopsStartupNamingTheEndpoint() {
        runner.withPropertyValues("quiver.object-store.type=s3", "quiver.object-store.s3.bucket=existing",
                        "quiver.object-store.s3.path-style=true", "quiver.object-store.s3.endpoint=http://127.0.0.1:1")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("Cannot reach the S3 bucket existing at http://127.0.0.1:1")
                        .hasStackTraceContaining("quiver.object-store.s3.endpoint"));
    }

    private ApplicationContextRunner s3Runner(String bucket) {
        return runner.withPropertyValues("quiver.object-store.type=s3", "quiver.object-store.s3.bucket=" + bucket,
                "quiver.object-store.s3.path-style=true", "quiver.object-store.s3.endpoint=" + server.endpoint());
    }

    @Configuration(proxyBeanMethods = false)
    static class TestBeans {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        AwsCredentialsProvider credentials() {
            return S3Server.credentials();
        }
    }
}
