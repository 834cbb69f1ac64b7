package dev.quiver.billing.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.billing.api.Plan;
import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.RequestKind;
import dev.quiver.billing.api.TenantLimits;
import dev.quiver.common.RateLimitExceededException;
import dev.quiver.common.TenantId;
import dev.quiver.tenant.api.TenantView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Gateways admitting from one shared bucket, simulated on a clock the test moves: the bucket here does in memory
 * what {@link JdbcRequestBuckets}'s statement does (the statement itself is checked in {@code JdbcRequestBucketsIT}).
 */
class SlicedRequestRatesTests {

    private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");
    private static final TenantView TENANT = new TenantView(new TenantId(UUID.randomUUID()), "limited");

    private final MovingClock clock = new MovingClock();
    private final SharedBuckets buckets = new SharedBuckets();

    @Test
    void aGatewayGoesToTheSharedBucketOncePerSlice() {
        SlicedRequestRates gateway = gateway(100);

        for (int i = 0; i < 10; i++) {
            gateway.admit(TENANT, RequestKind.READ);
        }

        assertThat(buckets.trips).as("two slices of 5").isEqualTo(2);
    }

    @Test
    void whenTheBucketIsEmptyThenTheRefusalNamesTheQuotaItsLimitAndTheWaitForTheNextSlice() {
        SlicedRequestRates gateway = gateway(40);
        for (int i = 0; i < 40; i++) {
            gateway.admit(TENANT, RequestKind.READ);
        }
        int trips = buckets.trips;

        assertThatThrownBy(() -> gateway.admit(TENANT, RequestKind.READ))
                .isInstanceOfSatisfying(RateLimitExceededException.class, refusal -> {
                    assertThat(refusal.quota()).isEqualTo("read_requests_per_second");
                    assertThat(refusal.limit()).isEqualTo(40);
                    assertThat(refusal.current()).isEqualTo(41);
                    assertThat(refusal.retryAfter()).as("two tokens at 40 a second").isEqualTo(Duration.ofMillis(50));
                    assertThat(refusal.retryAfterSeconds()).isEqualTo(1);
                    assertThat(refusal.getMessage()).isEqualTo("Rate limit exceeded: 'Read requests per second' "
                            + "(read_requests_per_second) limit is 40 requests per second, current rate is about 41 "
                            + "requests per second; retry in 1 s");
                });
        assertThat(buckets.trips).isEqualTo(trips + 1);

        clock.advance(Duration.ofMillis(20));
        assertThatThrownBy(() -> gateway.admit(TENANT, RequestKind.READ))
                .isInstanceOfSatisfying(RateLimitExceededException.class,
                        refusal -> assertThat(refusal.retryAfter()).isEqualTo(Duration.ofMillis(30)));
        assertThat(buckets.trips).as("refused from memory until a slice has refilled").isEqualTo(trips + 1);

        clock.advance(Duration.ofMillis(30));
        gateway.admit(TENANT, RequestKind.READ);
    }

    @Test
    void whenTheLimitIsLoweredThenASliceTakenUnderTheOldOneAdmitsNoMore() {
        long[] limit = {100};
        SlicedRequestRates gateway = new SlicedRequestRates(tenant -> limits(limit[0]), buckets, clock, 20,
                Duration.ofSeconds(1));
        gateway.admit(TENANT, RequestKind.WRITE);

        limit[0] = 0;

        assertThatThrownBy(() -> gateway.admit(TENANT, RequestKind.WRITE))
                .isInstanceOf(RateLimitExceededException.class);
    }

    @Test
    void readsAndWritesHaveBucketsOfTheirOwn() {
        SlicedRequestRates gateway = gateway(2);
        gateway.admit(TENANT, RequestKind.READ);
        gateway.admit(TENANT, RequestKind.READ);
        assertThatThrownBy(() -> gateway.admit(TENANT, RequestKind.READ))
                .isInstanceOf(RateLimitExceededException.class);

        gateway.admit(TENANT, RequestKind.WRITE);
    }

    @Test
    void aLimitOfZeroRefusesEveryRequestWithoutAskingTheBucket() {
        SlicedRequestRates gateway = gateway(0);

        assertThatThrownBy(() -> gateway.admit(TENANT, RequestKind.WRITE))
                .isInstanceOfSatisfying(RateLimitExceededException.class, refusal -> {
                    assertThat(refusal.quota()).isEqualTo("write_requests_per_second");
                    assertThat(refusal.limit()).isZero();
                    assertThat(refusal.retryAfter()).isEqualTo(SlicedRequestRates.CLOSED_WAIT);
                });
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofSeconds(1));
            assertThatThrownBy(() -> gateway.admit(TENANT, RequestKind.WRITE))
                    .isInstanceOfSatisfying(RateLimitExceededException.class,
                            refusal -> assertThat(refusal.current()).as("a rate, not a count").isLessThan(3));
        }
        assertThat(buckets.trips).isZero();
    }

    @Test
    void twoBusyGatewaysAdmitTheLimitInTotalNeverMoreAndWithinTenPercent() {
        SlicedRequestRates first = gateway(40);
        SlicedRequestRates second = gateway(40);

        // A request every millisecond, alternating gateways, for five seconds: 25 times the limit.
        int admitted = 0;
        for (int millisecond = 0; millisecond < 5_000; millisecond++) {
            admitted += tryAdmit(millisecond % 2 == 0 ? first : second);
            clock.advance(Duration.ofMillis(1));
        }

        int bound = 40 + 40 * 5;
        assertThat(admitted).isLessThanOrEqualTo(bound).isGreaterThanOrEqualTo((int) (0.9 * bound));
        // A gateway at the limit goes to the bucket at most about twice per slice's worth of time (a twentieth of a
        // second): once when its slice is spent, and once more when the other gateway took the refill first.
        assertThat(buckets.trips).isLessThanOrEqualTo(2 * 2 * 20 * 5);
    }

    @Test
    void aGatewayWithFewRequestsHoldsBackLittleOfTheLimitFromABusyOne() {
        SlicedRequestRates busy = gateway(40);
        SlicedRequestRates quiet = gateway(40);

        // The quiet gateway sees a request every 300 ms; each takes a slice of 2 and leaves one token unused
        // until the slice expires and goes back.
        int admitted = 0;
        for (int millisecond = 0; millisecond < 5_000; millisecond++) {
            admitted += tryAdmit(busy);
            if (millisecond % 300 == 0) {
                admitted += tryAdmit(quiet);
            }
            clock.advance(Duration.ofMillis(1));
        }

        int bound = 40 + 40 * 5;
        assertThat(admitted).isLessThanOrEqualTo(bound).isGreaterThanOrEqualTo((int) (0.9 * bound));
    }

    private int tryAdmit(SlicedRequestRates gateway) {
        try {
            gateway.admit(TENANT, RequestKind.READ);
            return 1;
        } catch (RateLimitExceededException refused) {
            return 0;
        }
    }

    private SlicedRequestRates gateway(long limit) {
        TenantLimits tenantLimits = limits(limit);
        return new SlicedRequestRates(tenant -> tenantLimits, buckets, clock, 20, Duration.ofSeconds(1));
    }

    private static TenantLimits limits(long limit) {
        Map<Quota, Long> limits = new EnumMap<>(Quota.class);
        for (Quota quota : Quota.values()) {
            limits.put(quota, limit);
        }
        return TenantLimits.of(new Plan("test", 0, "USD", 0, 0, 0, 0, 0, 0, limits), Map.of());
    }

    /** The shared buckets in memory, with the lease statement's arithmetic; counts the trips to it. */
    private static final class SharedBuckets implements RequestBuckets {

        private final Map<String, Row> rows = new HashMap<>();
        private int trips;

        @Override
        public Lease lease(TenantId tenant, RequestKind kind, long limit, long wanted, long returned, long seen,
                Instant now) {
            trips++;
            Row row = rows.computeIfAbsent(tenant + "/" + kind, key -> new Row(limit, now));
            double elapsed = now.isAfter(row.updatedAt) ? Duration.between(row.updatedAt, now).toNanos() / 1e9 : 0;
            double available = Math.min(limit, row.tokens + returned + limit * elapsed);
            long granted = available + 1e-9 >= wanted ? wanted : 0;
            row.tokens = Math.max(0, available - granted);
            row.demand = row.demand * Math.exp(-Math.min(elapsed, 60)) + seen;
            row.updatedAt = now.isAfter(row.updatedAt) ? now : row.updatedAt;
            return new Lease(granted, row.tokens, row.demand);
        }

        private static final class Row {

            private double tokens;
            private double demand;
            private Instant updatedAt;

            Row(double tokens, Instant updatedAt) {
                this.tokens = tokens;
                this.updatedAt = updatedAt;
            }
        }
    }

    private static final class MovingClock extends Clock {

        private Instant now = START;

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("one zone is enough");
        }
    }
}
