package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

/**
 * One query's answer, as any engine returns it.
 *
 * @param indexes record indexes nearest first; -1 for an id the benchmark never wrote
 * @param distances the system's distances, same order, in the Chroma convention of {@link Space#distance}
 */
record Answer(int[] indexes, float[] distances) {
    Answer {
        requireNonNull(indexes, "indexes is null");
        requireNonNull(distances, "distances is null");
        if (indexes.length != distances.length) {
            throw new IllegalArgumentException("indexes and distances differ in length");
        }
    }
}
