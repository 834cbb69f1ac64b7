package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import java.util.SplittableRandom;

/**
 * Seeded random vectors and queries. The record with index {@code i} has the id {@link #id(int) "v" + i}, so a
 * query answer maps back to an index without a lookup table.
 *
 * <p>Queries come from their own generator, so the same seed gives the same queries whatever the number of
 * records. Components are uniform in [-1, 1): centred data makes cosine and inner-product spaces as meaningful as
 * l2. Immutable after {@link #generate}; the arrays must not be modified.
 *
 * @param vectors {@code vectors[i]} is the embedding of record {@code "v" + i}
 * @param queries query vectors, same dimension
 */
record Dataset(float[][] vectors, float[][] queries) {

    /** Bump when the generator changes, so cached exact-search results of older data are not reused. */
    static final int GENERATOR_VERSION = 1;

    /** Keeps the query stream independent of the data stream for the same seed. */
    private static final long QUERY_SEED_SALT = 0x5DEECE66DL;

    Dataset {
        requireNonNull(vectors, "vectors is null");
        requireNonNull(queries, "queries is null");
    }

    static Dataset generate(long seed, int count, int queryCount, int dim) {
        return new Dataset(
                randomVectors(new SplittableRandom(seed), count, dim),
                randomVectors(new SplittableRandom(seed ^ QUERY_SEED_SALT), queryCount, dim));
    }

    static String id(int index) {
        return "v" + index;
    }

    /** Inverse of {@link #id(int)}; -1 for an id this benchmark never wrote. */
    static int index(String id) {
        if (id.length() < 2 || id.charAt(0) != 'v') {
            return -1;
        }
        try {
            return Integer.parseInt(id, 1, id.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    int dim() {
        return vectors[0].length;
    }

    private static float[][] randomVectors(SplittableRandom random, int count, int dim) {
        var result = new float[count][dim];
        for (float[] vector : result) {
            for (int j = 0; j < dim; j++) {
                vector[j] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        return result;
    }
}
