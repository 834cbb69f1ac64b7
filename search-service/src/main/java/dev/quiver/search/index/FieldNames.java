package dev.quiver.search.index;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.util.BytesRef;

/**
 * The Lucene field names of a record document, and how values become terms and points.
 *
 * <p>Invariant: no user key can produce the name of another field. No fixed field name starts with {@code m.};
 * each metadata field is a type prefix ({@code m.s.}, {@code m.n.}, {@code m.b.}, {@code m.as.},
 * {@code m.an.}, {@code m.ab.}) followed by the key verbatim. The prefixes differ from each other at a position
 * inside all of them, so {@code prefix1 + key1} equals {@code prefix2 + key2} only when both parts are equal, and
 * no escaping is needed.
 *
 * <p>Thread-safe: constants and pure functions.
 */
final class FieldNames {

    /**
     * The record id as an indexed keyword term (see {@link #term}). Segments written before {@link #ID_VALUE}
     * existed also store the id string here.
     */
    static final String ID = "id";
    /**
     * The record id as UTF-8 binary doc values, read for each hit. Doc values, not stored fields: a stored field
     * read decompresses the whole block of records around the hit (tens of kilobytes with Lucene's default), which
     * cost a fifth of a small query's CPU; Lucene keeps binary doc values uncompressed, a direct read. A field of
     * its own because an existing index cannot add doc values to {@link #ID}, whose schema has none.
     */
    static final String ID_VALUE = "id_value";
    /** The vector as Lucene searches it (normalised for cosine). */
    static final String VECTOR = "vector";
    /** Cosine only: the caller's vector as little-endian float32 bytes, since the indexed one is normalised. */
    static final String RAW_VECTOR = "raw_vector";
    /**
     * The document as UTF-8 binary doc values, read for hits and by {@code where_document}. Segments written before
     * {@link #ID_VALUE} existed also store the string.
     */
    static final String DOCUMENT = "document";
    /**
     * The document as analysed text for BM25 ({@link DocumentText}): tokens with their frequencies and the field's
     * length norm, no positions and nothing stored. Segments written before it existed lack it, so their records
     * have no BM25 hits until they are rewritten (an upsert, update, or a replay of the log into a new shard).
     */
    static final String DOCUMENT_TEXT = "document_text";
    /**
     * The document's character trigrams plus a marker term on every record ({@link DocumentNgrams}), document ids
     * only: the candidates of {@code $contains} and {@code $regex}. Segments written before it existed lack the
     * marker, and queries scan them as before.
     */
    static final String DOCUMENT_NGRAMS = "document_ngrams";
    /** The metadata as {@link BatchCodec#encodeMetadata} bytes, stored: segments older than {@link #ID_VALUE}. */
    static final String METADATA = "metadata";
    /** The metadata as {@link BatchCodec#encodeMetadata} bytes in binary doc values; see {@link #ID_VALUE}. */
    static final String METADATA_VALUE = "metadata_value";
    /** The URI, stored only. */
    static final String URI = "uri";
    /** The insertion order: a long point plus numeric doc values (get's sort key). */
    static final String ORDER = "order";

    static final BytesRef TRUE = new BytesRef("true");
    static final BytesRef FALSE = new BytesRef("false");

    /**
     * Marks a hashed term. {@code 0xFF} never occurs in UTF-8, so a hashed term never equals a verbatim one.
     */
    private static final byte HASHED_TERM_MARKER = (byte) 0xFF;

    private FieldNames() {
    }

    /** Keyword terms of a scalar string value. */
    static String scalarString(String key) {
        return "m.s." + key;
    }

    /** Double points of a scalar int or float value (so 3 == 3.0). */
    static String scalarNumber(String key) {
        return "m.n." + key;
    }

    /** Keyword terms {@link #TRUE} / {@link #FALSE} of a scalar boolean value. */
    static String scalarBool(String key) {
        return "m.b." + key;
    }

    /** Keyword terms, one per element, of a string array. */
    static String arrayString(String key) {
        return "m.as." + key;
    }

    /** Double points, one per element, of an int or float array. */
    static String arrayNumber(String key) {
        return "m.an." + key;
    }

    /** Keyword terms, one per element, of a boolean array. */
    static String arrayBool(String key) {
        return "m.ab." + key;
    }

    static BytesRef bool(boolean value) {
        return value ? TRUE : FALSE;
    }

    /**
     * The keyword term of a string: its UTF-8 bytes, or, when those exceed Lucene's term limit
     * ({@link IndexWriter#MAX_TERM_LENGTH}, which would make {@code addDocument} throw), a marker byte plus the
     * SHA-256 of the bytes. Indexing and querying both go through here, so equality stays exact either way.
     */
    static BytesRef term(String value) {
        byte[] bytes = value.getBytes(UTF_8);
        if (bytes.length <= IndexWriter.MAX_TERM_LENGTH) {
            return new BytesRef(bytes);
        }
        byte[] hashed = new byte[33];
        hashed[0] = HASHED_TERM_MARKER;
        System.arraycopy(sha256(bytes), 0, hashed, 1, 32);
        return new BytesRef(hashed);
    }

    /** Folds {@code -0.0} into {@code 0.0}: the two are equal numbers but different points. */
    static double number(double value) {
        return value == 0d ? 0d : value;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
