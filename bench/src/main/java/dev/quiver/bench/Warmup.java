package dev.quiver.bench;

import java.util.List;
import java.util.stream.Collectors;

/**
 * When unrecorded warm-up rounds may stop: once throughput stopped rising. A fixed number of warm-up queries
 * favours whichever system needs fewest: a native server is warm after its first pages are read, while a JVM's JIT
 * keeps compiling hotter paths for thousands of queries (at 1M vectors Quiver's CPU per query fell for about 7,000
 * before it held). Measuring each system only once its throughput has stopped rising compares steady states.
 */
final class Warmup {

    /** A round counts as faster only when it beats every earlier one by this factor; less is noise here. */
    static final double GAIN = 1.05;
    /** Rounds in a row without such a gain that end the warm-up. */
    static final int PATIENCE = 2;
    /** The bound for a system whose throughput keeps creeping up, so no run warms up for ever. */
    static final int MAX_ROUNDS = 20;

    private Warmup() {
    }

    /** Whether the rounds measured so far (queries per second, in order) are enough. */
    static boolean done(List<Double> roundsQueriesPerSecond) {
        int rounds = roundsQueriesPerSecond.size();
        if (rounds >= MAX_ROUNDS) {
            return true;
        }
        if (rounds <= PATIENCE) {
            return false;
        }
        double bestBefore = 0;
        for (int i = 0; i < rounds - PATIENCE; i++) {
            bestBefore = Math.max(bestBefore, roundsQueriesPerSecond.get(i));
        }
        for (int i = rounds - PATIENCE; i < rounds; i++) {
            if (roundsQueriesPerSecond.get(i) > bestBefore * GAIN) {
                return false;
            }
            bestBefore = Math.max(bestBefore, roundsQueriesPerSecond.get(i));
        }
        return true;
    }

    /** The rounds as a reader scans them: "312, 420, 480". */
    static String describe(List<Double> roundsQueriesPerSecond) {
        return roundsQueriesPerSecond.stream().map(qps -> "%.0f".formatted(qps)).collect(Collectors.joining(", "));
    }
}
