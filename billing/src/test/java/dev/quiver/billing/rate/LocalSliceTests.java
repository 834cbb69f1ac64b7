package dev.quiver.billing.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LocalSliceTests {

    private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");
    private static final Duration LIFETIME = Duration.ofSeconds(1);
    private static final long LIMIT = 100;

    @Test
    void aSliceIsATwentiethOfTheLimitAndAtLeastOneToken() {
        assertThat(LocalSlice.sliceSize(40, 20)).isEqualTo(2);
        assertThat(LocalSlice.sliceSize(100_000, 20)).isEqualTo(5_000);
        assertThat(LocalSlice.sliceSize(7, 20)).isEqualTo(1);
        assertThat(LocalSlice.sliceSize(1, 20)).isEqualTo(1);
        assertThatThrownBy(() -> LocalSlice.sliceSize(0, 20)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refillTimeIsTheMissingTokensAtTheLimitsRate() {
        assertThat(LocalSlice.refillTime(0, 2, 40)).isEqualTo(Duration.ofMillis(50));
        assertThat(LocalSlice.refillTime(1.5, 2, 40)).isEqualTo(Duration.ofMillis(12).plusNanos(500_000));
        assertThat(LocalSlice.refillTime(3, 2, 40)).isZero();
        assertThat(LocalSlice.refillTime(0, 1, 1)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aGrantedLeaseAdmitsTheAskingRequestAndTheRestOfTheSliceFromMemory() {
        LocalSlice slice = new LocalSlice();
        assertThat(slice.tryAdmit(START, LIMIT)).as("nothing leased yet").isFalse();
        assertThat(slice.leased(new Lease(5, 35, 1), 5, LIMIT, START, LIFETIME)).isTrue();

        for (int i = 0; i < 4; i++) {
            assertThat(slice.tryAdmit(START.plusMillis(i), LIMIT)).isTrue();
        }
        assertThat(slice.tryAdmit(START.plusMillis(5), LIMIT)).as("slice spent").isFalse();
        assertThat(slice.takeReturnable(START.plusMillis(5), LIMIT)).as("a spent slice returns nothing").isZero();
    }

    @Test
    void whenASliceExpiresThenItAdmitsNoMoreAndItsTokensGoBackWithTheNextLease() {
        LocalSlice slice = new LocalSlice();
        slice.leased(new Lease(5, 35, 1), 5, LIMIT, START, LIFETIME);
        assertThat(slice.tryAdmit(START.plusMillis(999), LIMIT)).isTrue();

        Instant expired = START.plus(LIFETIME);
        assertThat(slice.tryAdmit(expired, LIMIT)).isFalse();
        assertThat(slice.takeReturnable(expired, LIMIT)).isEqualTo(3);
        assertThat(slice.takeReturnable(expired, LIMIT)).as("returned once").isZero();
    }

    @Test
    void aSliceThatHasNotExpiredReturnsNothing() {
        LocalSlice slice = new LocalSlice();
        slice.leased(new Lease(5, 35, 1), 5, LIMIT, START, LIFETIME);

        assertThat(slice.takeReturnable(START.plusMillis(10), LIMIT)).isZero();
        assertThat(slice.tryAdmit(START.plusMillis(10), LIMIT)).isTrue();
    }

    @Test
    void whenTheLimitChangesThenTheSliceTakenUnderTheOldOneAdmitsNoMoreAndGoesBack() {
        LocalSlice slice = new LocalSlice();
        slice.leased(new Lease(5, 35, 1), 5, LIMIT, START, LIFETIME);

        assertThat(slice.tryAdmit(START, 0)).isFalse();
        assertThat(slice.takeReturnable(START, 40)).isEqualTo(4);
    }

    @Test
    void whenTheBucketLacksASliceThenItIsLeftAloneUntilItHoldsOneAndThatIsTheWait() {
        LocalSlice slice = new LocalSlice();
        // Limit 40 a second, slices of 2, half a token left: 1.5 tokens missing, 37.5 ms.
        assertThat(slice.leased(new Lease(0, 0.5, 55), 2, 40, START, LIFETIME)).isFalse();

        assertThat(slice.bucketEmpty(START)).isTrue();
        assertThat(slice.waitForBucket(START)).isEqualTo(Duration.ofNanos(37_500_000));
        assertThat(slice.waitForBucket(START.plusMillis(30))).isEqualTo(Duration.ofNanos(7_500_000));
        assertThat(slice.bucketEmpty(START.plusNanos(37_500_000))).isFalse();
        assertThat(slice.waitForBucket(START.plusMillis(40))).isZero();
    }

    @Test
    void seenRequestsAreReportedOnceWhetherAdmittedOrRefused() {
        LocalSlice slice = new LocalSlice();
        slice.tryAdmit(START, LIMIT);
        slice.leased(new Lease(2, 0, 1), 2, LIMIT, START, LIFETIME);
        slice.tryAdmit(START, LIMIT);
        slice.tryAdmit(START, LIMIT);

        assertThat(slice.takeSeen()).isEqualTo(3);
        assertThat(slice.takeSeen()).isZero();
    }

    @Test
    void theCurrentRateDecaysTheSharedDemandAndAddsWhatWasSeenHereSince() {
        LocalSlice slice = new LocalSlice();
        slice.leased(new Lease(0, 0, 80), 2, 40, START, LIFETIME);
        assertThat(slice.currentRate(START)).isEqualTo(80);

        slice.tryAdmit(START.plusSeconds(1), LIMIT);
        slice.tryAdmit(START.plusSeconds(1), LIMIT);
        // 80 / e after one second, plus the two requests seen since.
        assertThat(slice.currentRate(START.plusSeconds(1))).isEqualTo(Math.round(80 / Math.E + 2));
    }

    @Test
    void whenNoLeaseReportsTheRequestsThenTheyAreFoldedInAndDecayAsTheBucketWould() {
        LocalSlice slice = new LocalSlice();
        for (int i = 0; i < 30; i++) {
            slice.tryAdmit(START, LIMIT);
        }
        slice.absorbSeen(START);
        assertThat(slice.currentRate(START)).isEqualTo(30);
        assertThat(slice.takeSeen()).as("folded in, not reported again").isZero();

        assertThat(slice.currentRate(START.plusSeconds(2))).isEqualTo(Math.round(30 / (Math.E * Math.E)));
    }
}
