package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmupTests {

    @Test
    void goesOnWhileThroughputStillRises() {
        assertThat(Warmup.done(List.of())).isFalse();
        assertThat(Warmup.done(List.of(300.0, 320.0))).isFalse();
        // The third round beat the first two by more than 5 %: another two rounds must show it has stopped.
        assertThat(Warmup.done(List.of(300.0, 320.0, 400.0))).isFalse();
        assertThat(Warmup.done(List.of(300.0, 320.0, 400.0, 405.0))).isFalse();
    }

    @Test
    void stopsAfterTwoRoundsThatDoNotBeatTheBestBeforeThemByFivePercent() {
        assertThat(Warmup.done(List.of(300.0, 400.0, 410.0, 390.0))).isTrue();
        // A dip followed by a recovery to the old best is noise, not warming.
        assertThat(Warmup.done(List.of(500.0, 300.0, 510.0))).isTrue();
    }

    @Test
    void aRoundThatBeatsTheOneJustBeforeItByFivePercentRestartsThePatience() {
        assertThat(Warmup.done(List.of(300.0, 400.0, 410.0, 440.0))).isFalse();
    }

    @Test
    void stopsAtTheRoundBoundEvenWhileStillRising() {
        var rising = new ArrayList<Double>();
        for (int round = 0; round < Warmup.MAX_ROUNDS; round++) {
            assertThat(Warmup.done(rising)).isFalse();
            rising.add(100.0 * Math.pow(1.1, round));
        }
        assertThat(Warmup.done(rising)).isTrue();
        assertThat(Warmup.done(Collections.nCopies(Warmup.MAX_ROUNDS - 1, 100.0))).isTrue();
    }

    @Test
    void describesRoundsAsWholeQueriesPerSecond() {
        assertThat(Warmup.describe(List.of(312.4, 420.0, 480.6))).isEqualTo("312, 420, 481");
    }
}
