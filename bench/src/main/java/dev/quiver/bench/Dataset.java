package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The vectors of one run and the queries against them. The record with index {@code i} has the id
 * {@link #id(int) "v" + i} and the metadata {@code bucket} = {@link #bucket(int)}, so an answer maps back to an
 * index without a lookup table and every engine filters on the same values.
 *
 * <p>Generated sets are seeded and deterministic: vector {@code i} comes from its own generator derived from the
 * seed and {@code i}, so the first N vectors are the same whatever the total, generation runs in parallel, and
 * queries come from a separate stream. Immutable after construction; the arrays must not be modified.
 *
 * @param name what the data is, for reports and cache keys, e.g. {@code gaussian-c256-s0.25}
 * @param vectors {@code vectors[i]} is the embedding of record {@code "v" + i}
 * @param queries query vectors, same dimension
 */
record Dataset(String name, float[][] vectors, float[][] queries) {

    /** Bump when a generator changes, so cached exact-search results of older data are not reused. */
    static final int GENERATOR_VERSION = 2;

    /** Metadata {@code bucket} takes values in [0, BUCKETS); a filter on it has a selectivity in whole percent. */
    static final int BUCKETS = 100;

    /** Keeps the query stream independent of the data stream for the same seed. */
    private static final long QUERY_SEED_SALT = 0x5DEECE66DL;
    private static final long CENTRE_SEED_SALT = 0x2545F4914F6CDD1DL;

    Dataset {
        requireNonNull(name, "name is null");
        requireNonNull(vectors, "vectors is null");
        requireNonNull(queries, "queries is null");
        if (vectors.length == 0 || queries.length == 0) {
            throw new IllegalArgumentException("a dataset needs vectors and queries");
        }
    }

    /**
     * Components uniform in [-1, 1): the hardest case for HNSW, since all distances are nearly equal. Centred, so
     * cosine and inner-product spaces are as meaningful as l2.
     */
    static Dataset uniform(long seed, int count, int queryCount, int dim) {
        return new Dataset("uniform",
                generate(seed, count, dim, random -> uniformVector(random, dim)),
                generate(seed ^ QUERY_SEED_SALT, queryCount, dim, random -> uniformVector(random, dim)));
    }

    /**
     * A Gaussian mixture, the shape of real embeddings: {@code clusters} centres uniform in [-1, 1)^dim, each point
     * a centre picked uniformly plus independent N(0, spread²) noise per component. Queries are drawn the same way,
     * so most of a query's neighbours share its cluster, as with real data.
     */
    static Dataset gaussian(long seed, int count, int queryCount, int dim, int clusters, double spread) {
        if (clusters < 1 || !(spread > 0)) {
            throw new IllegalArgumentException("clusters must be positive and spread > 0: " + clusters + ", " + spread);
        }
        float[][] centres = generate(seed ^ CENTRE_SEED_SALT, clusters, dim, random -> uniformVector(random, dim));
        Generator point = random -> {
            float[] centre = centres[random.nextInt(clusters)];
            var vector = new float[dim];
            for (int j = 0; j < dim; j++) {
                vector[j] = (float) (centre[j] + random.nextGaussian() * spread);
            }
            return vector;
        };
        return new Dataset("gaussian-c%d-s%s".formatted(clusters, spread),
                generate(seed, count, dim, point), generate(seed ^ QUERY_SEED_SALT, queryCount, dim, point));
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

    /**
     * The metadata value {@code bucket} of record {@code index}: a fixed hash of the index, uniform in
     * [0, {@link #BUCKETS}) and independent of the vector, so a filter keeps a random sample of every cluster.
     */
    static int bucket(int index) {
        return (int) Long.remainderUnsigned(mix(index + 0x9E3779B97F4A7C15L), BUCKETS);
    }

    int dim() {
        return vectors[0].length;
    }

    int size() {
        return vectors.length;
    }

    @FunctionalInterface
    private interface Generator {
        float[] next(SplittableRandom random);
    }

    private static float[][] generate(long seed, int count, int dim, Generator generator) {
        var result = new float[count][];
        // One generator per vector: the result does not depend on the thread schedule or on count.
        IntStream.range(0, count).parallel().forEach(i -> result[i] = generator.next(new SplittableRandom(
                mix(seed + i * 0x9E3779B97F4A7C15L))));
        return result;
    }

    private static float[] uniformVector(SplittableRandom random, int dim) {
        var vector = new float[dim];
        for (int j = 0; j < dim; j++) {
            vector[j] = (float) (random.nextDouble() * 2 - 1);
        }
        return vector;
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser: a bijection that spreads nearby inputs apart. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
