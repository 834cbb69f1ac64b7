package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

/**
 * A metadata filter of known selectivity: records whose {@link Dataset#bucket bucket} (uniform in [0, 100),
 * independent of the vector) is below {@code bucketsBelow}, so {@code bucketsBelow = 10} keeps 10 % of the records.
 * Every engine expresses it in its own query language: Chroma {@code {"bucket": {"$lt": n}}}, SQL
 * {@code bucket < n}, Lucene a point range.
 *
 * @param name how tables and JSON name it, e.g. {@code 10%}
 * @param bucketsBelow exclusive upper bound of the kept buckets, in [1, 100]
 */
record Filter(String name, int bucketsBelow) {

    Filter {
        requireNonNull(name, "name is null");
        if (bucketsBelow < 1 || bucketsBelow > Dataset.BUCKETS) {
            throw new IllegalArgumentException("bucketsBelow must be in [1, " + Dataset.BUCKETS + "]: " + bucketsBelow);
        }
    }

    /** A filter keeping {@code percent} % of the records. */
    static Filter percent(int percent) {
        return new Filter(percent + "%", percent);
    }

    boolean accepts(int recordIndex) {
        return Dataset.bucket(recordIndex) < bucketsBelow;
    }

    /** Chroma's {@code where} clause for this filter. */
    java.util.Map<String, Object> chromaWhere() {
        return java.util.Map.of("bucket", java.util.Map.of("$lt", bucketsBelow));
    }
}
