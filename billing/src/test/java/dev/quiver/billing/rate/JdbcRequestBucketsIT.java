package dev.quiver.billing.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.billing.api.RequestKind;
import dev.quiver.common.TenantId;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The shared bucket's statements against a real PostgreSQL migrated as the server migrates it, with the time
 * passed in, so every refill is exact.
 */
class JdbcRequestBucketsIT {

    private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");
    private static final long LIMIT = 40;
    private static final long SLICE = 2;

    private static EmbeddedPostgres postgres;
    private static JdbcClient jdbc;

    private JdbcRequestBuckets buckets;
    private TenantId tenant;

    @BeforeAll
    static void database() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).schemas("quiver").createSchemas(true)
                .locations("classpath:db/quiver").load().migrate();
        jdbc = JdbcClient.create(postgres.getPostgresDatabase());
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void tenant() {
        buckets = new JdbcRequestBuckets(jdbc);
        tenant = new TenantId(UUID.randomUUID());
        jdbc.sql("insert into quiver.tenants (id, name, created_at) values (:id, :name, :now)")
                .param("id", tenant.value())
                .param("name", "tenant-" + tenant.value())
                .param("now", Timestamp.from(START))
                .update();
    }

    @Test
    void aNewBucketHoldsOneSecondOfTheLimitAndHandsItOutInWholeSlices() {
        for (int i = 0; i < LIMIT / SLICE; i++) {
            assertThat(lease(START, 0, 0).granted()).isEqualTo(SLICE);
        }
        Lease empty = lease(START, 0, 0);

        assertThat(empty.granted()).isZero();
        assertThat(empty.tokens()).isZero();
    }

    @Test
    void theBucketRefillsAtTheLimitPerSecondUpToOneSecondsWorth() {
        drain(START);

        Lease afterHalfASecond = lease(START.plusMillis(500), 0, 0);
        assertThat(afterHalfASecond.granted()).isEqualTo(SLICE);
        assertThat(afterHalfASecond.tokens()).isCloseTo(LIMIT / 2.0 - SLICE, within(1e-6));

        Lease afterAnHour = lease(START.plusSeconds(3600), 0, 0);
        assertThat(afterAnHour.tokens()).isCloseTo(LIMIT - SLICE, within(1e-6));
    }

    @Test
    void aBucketHoldingLessThanASliceGrantsNothingAndKeepsWhatItHolds() {
        drain(START);

        Lease partial = lease(START.plusMillis(25), 0, 0);

        assertThat(partial.granted()).isZero();
        assertThat(partial.tokens()).as("one token refilled in 25 ms, kept").isCloseTo(1.0, within(1e-6));
        assertThat(lease(START.plusMillis(50), 0, 0).granted()).isEqualTo(SLICE);
    }

    @Test
    void returnedTokensArePutBackBeforeTheSliceIsTaken() {
        drain(START);

        Lease withReturn = lease(START, 3, 0);

        assertThat(withReturn.granted()).isEqualTo(SLICE);
        assertThat(withReturn.tokens()).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void whenAGatewaysClockLagsThenNothingIsRefilledAndTheBucketsTimeDoesNotGoBack() {
        drain(START.plusSeconds(10));

        assertThat(lease(START.plusSeconds(9), 0, 0).granted()).as("a second behind: no refill").isZero();
        Lease caughtUp = lease(START.plusSeconds(10).plusMillis(100), 0, 0);
        assertThat(caughtUp.granted()).isEqualTo(SLICE);
        assertThat(caughtUp.tokens()).as("refilled from the bucket's time, not the lagging clock's")
                .isCloseTo(LIMIT * 0.1 - SLICE, within(1e-6));
    }

    @Test
    void demandAddsTheRequestsEachGatewaySawAndDecaysByEPerSecond() {
        lease(START, 0, 30);
        assertThat(lease(START, 0, 10).demand()).isCloseTo(40, within(1e-6));

        assertThat(lease(START.plusSeconds(1), 0, 0).demand()).isCloseTo(40 / Math.E, within(1e-6));
    }

    @Test
    void concurrentLeasesNeverHandOutMoreThanTheBucketHolds() throws Exception {
        List<Future<Long>> granted = new ArrayList<>();
        try (ExecutorService gateways = Executors.newFixedThreadPool(8)) {
            for (int gateway = 0; gateway < 8; gateway++) {
                granted.add(gateways.submit(() -> {
                    long total = 0;
                    for (int i = 0; i < 20; i++) {
                        total += lease(START, 0, 0).granted();
                    }
                    return total;
                }));
            }
        }
        long total = 0;
        for (Future<Long> gateway : granted) {
            total += gateway.get();
        }

        assertThat(total).isEqualTo(LIMIT);
    }

    @Test
    void aTenantDeletedSinceItsCallerAuthenticatedGetsItsRequestThroughToFindNothing() {
        TenantId deleted = new TenantId(UUID.randomUUID());

        Lease lease = buckets.lease(deleted, RequestKind.WRITE, LIMIT, SLICE, 0, 1, START);

        assertThat(lease.granted()).isEqualTo(SLICE);
        assertThat(jdbc.sql("select count(*) from quiver.request_buckets where tenant_id = :id")
                .param("id", deleted.value()).query(Long.class).single()).isZero();
    }

    private void drain(Instant now) {
        while (lease(now, 0, 0).granted() > 0) {
            // Take slices until the bucket has none left.
        }
    }

    private Lease lease(Instant now, long returned, long seen) {
        return buckets.lease(tenant, RequestKind.READ, LIMIT, SLICE, returned, seen, now);
    }
}
