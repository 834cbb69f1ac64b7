package dev.quiver.billing.api;

import dev.quiver.common.QuotaLimit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The quotas a plan sets. Each has a JSON {@link #key()} ({@code records_per_batch}) and a {@link #label()} for
 * people in Chroma Cloud's style, which refusals quote.
 *
 * <p>Every quota is enforced before anything is written: {@link #MAX_DIMENSION}, {@link #RECORDS_PER_BATCH},
 * {@link #DOCUMENT_BYTES}, {@link #METADATA_KEYS}, {@link #METADATA_BYTES} per request; {@link #DATABASES} and
 * {@link #COLLECTIONS_PER_DATABASE} counted exactly in the creating transaction; {@link #RECORDS_PER_COLLECTION}
 * and {@link #STORAGE_BYTES} counted exactly by counters kept in the transaction that logs each write; and the two
 * request rates ({@link #READ_REQUESTS_PER_SECOND}, {@link #WRITE_REQUESTS_PER_SECOND}) per tenant by a token
 * bucket in PostgreSQL that every gateway shares ({@link RequestRates}).
 */
public enum Quota {
    /** Databases per tenant. */
    DATABASES("Number of databases"),
    /** Collections in one database. */
    COLLECTIONS_PER_DATABASE("Number of collections"),
    /** Records in one collection. */
    RECORDS_PER_COLLECTION("Collection size (records)"),
    /** The largest embedding dimension a collection may have. */
    MAX_DIMENSION("Embedding dimension"),
    /** Records in one add, upsert or update request. */
    RECORDS_PER_BATCH("Number of records"),
    /** UTF-8 bytes of one record's document. */
    DOCUMENT_BYTES("Document size (bytes)"),
    /** Metadata keys of one record. */
    METADATA_KEYS("Number of metadata dictionary keys"),
    /**
     * Bytes of one record's metadata: the UTF-8 bytes of every key, plus for each value the UTF-8 bytes of a string,
     * 8 bytes for an integer or a float and 1 byte for a boolean, an array counting the sum of its elements.
     */
    METADATA_BYTES("Metadata size (bytes)"),
    /** Read requests (get, query, count) per second and tenant, across every gateway. */
    READ_REQUESTS_PER_SECOND("Read requests per second"),
    /** Write requests (add, upsert, update, delete) per second and tenant, across every gateway. */
    WRITE_REQUESTS_PER_SECOND("Write requests per second"),
    /**
     * Bytes a tenant stores, summed over its collections: each record's id, vector (4 bytes a dimension), document
     * and URI (UTF-8) and metadata (counted as for {@link #METADATA_BYTES}).
     */
    STORAGE_BYTES("Storage size (bytes)");

    private static final Map<String, Quota> BY_KEY =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Quota::key, Function.identity()));

    private final String label;

    Quota(String label) {
        this.label = label;
    }

    /** The name in JSON and in the database: lower case with underscores, for example {@code records_per_batch}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The name for people, quoted by refusals, for example {@code Number of records}. */
    public String label() {
        return label;
    }


    /** This quota with a limit, as the modules that count and refuse receive it. */
    public QuotaLimit limit(long limit) {
        return new QuotaLimit(key(), label, limit);
    }

    /** The quota with this {@link #key()}, if there is one. */
    public static Optional<Quota> fromKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }
}
