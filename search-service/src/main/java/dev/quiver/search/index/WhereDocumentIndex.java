package dev.quiver.search.index;

/**
 * How {@code where_document} {@code $contains} and {@code $regex} find the records they verify (see
 * {@link DocumentTextQuery}). Both give the same answers; they differ only in how many documents are read.
 */
public enum WhereDocumentIndex {

    /** Look candidates up in the trigram index ({@link DocumentNgrams}) where it can; the default. */
    TRIGRAMS,

    /**
     * Ignore the trigram index and scan every document, as before it existed: for benchmarks that measure what the
     * index saves, and for diagnosing a suspected index problem, never for production.
     */
    SCAN
}
