package dev.quiver.search.index;

import dev.quiver.search.api.StoredRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;
import org.apache.lucene.util.VectorUtil;
import org.jspecify.annotations.Nullable;

/**
 * Loads parts of records from one searcher's reader, by top-level doc id: id, document and metadata from binary
 * doc values, uri and (for cosine) the caller's vector from stored fields, the L2/IP vector from the vector
 * values, and the insertion order from numeric doc values. Only the parts asked for are read, so a query that
 * wants no uri and no embedding touches no stored field (see {@link FieldNames#ID_VALUE} for why that matters).
 * Records written before the id had doc values keep id, document and metadata in stored fields; such a record is
 * recognised by having no {@link FieldNames#ID_VALUE} and read from them.
 *
 * <p>Not thread-safe: one instance per call, used only while its searcher is acquired (doc ids belong to that
 * searcher). {@link #load} overwrites the fields of the previous load; the per-leaf stored-field readers, doc
 * values and vector values are kept and reused across loads.
 */
final class StoredRecordReader {

    private final List<LeafReaderContext> leaves;
    private final boolean rawVectorStored;
    private final @Nullable StoredFields[] storedFields;
    private final @Nullable FloatVectorValues[] vectorValues;
    private final KnnVectorValues.@Nullable DocIndexIterator[] vectorIterators;
    /** Per leaf, the forward-only doc values of {@link #BINARY_FIELDS}, in that order. */
    private final @Nullable BinaryDocValues[][] binaryValues;
    private final PartsVisitor visitor = new PartsVisitor();

    private static final String[] BINARY_FIELDS = {FieldNames.ID_VALUE, FieldNames.DOCUMENT, FieldNames.METADATA_VALUE};
    private static final int ID_SLOT = 0;
    private static final int DOCUMENT_SLOT = 1;
    private static final int METADATA_SLOT = 2;
    /** Lucene's cosine score {@code (1 + cosine) / 2} of a zero vector, taken as orthogonal to everything. */
    private static final float ZERO_VECTOR_COSINE_SCORE = 0.5f;

    /** The id of the last loaded record. */
    String id = "";
    /** The document of the last loaded record, if asked for and present. */
    @Nullable String document;
    /** The encoded metadata of the last loaded record, if asked for and present. */
    byte @Nullable [] metadata;
    /** The uri of the last loaded record, if asked for and present. */
    @Nullable String uri;
    /** The caller's vector of the last loaded record, if asked for; a copy the caller may keep. */
    float @Nullable [] vector;

    /**
     * @param rawVectorStored whether the caller's vector is in {@link FieldNames#RAW_VECTOR} (cosine) rather than
     *                        in the vector values
     */
    StoredRecordReader(IndexReader reader, boolean rawVectorStored) {
        this.leaves = reader.leaves();
        this.rawVectorStored = rawVectorStored;
        this.storedFields = new StoredFields[leaves.size()];
        this.vectorValues = new FloatVectorValues[leaves.size()];
        this.vectorIterators = new KnnVectorValues.DocIndexIterator[leaves.size()];
        this.binaryValues = new BinaryDocValues[leaves.size()][BINARY_FIELDS.length];
    }

    /**
     * The live top-level doc id of the record with this id, or -1. Ids are unique among live documents because
     * every write of an existing id replaces it by term.
     */
    int locate(BytesRef idTerm) throws IOException {
        for (LeafReaderContext leaf : leaves) {
            Terms terms = leaf.reader().terms(FieldNames.ID);
            if (terms == null) {
                continue;
            }
            TermsEnum termsEnum = terms.iterator();
            if (!termsEnum.seekExact(idTerm)) {
                continue;
            }
            Bits liveDocs = leaf.reader().getLiveDocs();
            PostingsEnum postings = termsEnum.postings(null, PostingsEnum.NONE);
            for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                if (liveDocs == null || liveDocs.get(doc)) {
                    return leaf.docBase + doc;
                }
            }
        }
        return -1;
    }

    /** Loads the id and the requested parts of one record into this reader's fields. */
    void load(int doc, boolean withDocument, boolean withMetadata, boolean withUri, boolean withVector)
            throws IOException {
        int leafIndex = ReaderUtil.subIndex(doc, leaves);
        LeafReaderContext leaf = leaves.get(leafIndex);
        int leafDoc = doc - leaf.docBase;
        BytesRef idValue = binaryValue(leafIndex, ID_SLOT, leafDoc);
        boolean stored = idValue == null;
        boolean wantRawVector = withVector && rawVectorStored;
        visitor.reset(stored, stored && withDocument, stored && withMetadata, withUri, wantRawVector);
        if (stored || withUri || wantRawVector) {
            StoredFields fields = storedFields[leafIndex];
            if (fields == null) {
                fields = leaf.reader().storedFields();
                storedFields[leafIndex] = fields;
            }
            fields.document(leafDoc, visitor);
        }
        if (stored) {
            if (visitor.id == null) {
                throw new IllegalStateException("document " + doc + " has no id");
            }
            id = visitor.id;
            document = visitor.document;
            metadata = visitor.metadata;
        } else {
            id = idValue.utf8ToString();
            BytesRef documentValue = withDocument ? binaryValue(leafIndex, DOCUMENT_SLOT, leafDoc) : null;
            document = documentValue == null ? null : documentValue.utf8ToString();
            BytesRef metadataValue = withMetadata ? binaryValue(leafIndex, METADATA_SLOT, leafDoc) : null;
            metadata = metadataValue == null ? null
                    : Arrays.copyOfRange(metadataValue.bytes, metadataValue.offset,
                            metadataValue.offset + metadataValue.length);
        }
        uri = visitor.uri;
        vector = null;
        if (withVector) {
            // indexedVectorView may return Lucene's scratch array; the caller keeps this one.
            vector = rawVectorStored ? rawVector(visitor.rawVector, doc)
                    : indexedVectorView(leafIndex, leafDoc).clone();
        }
    }

    /**
     * The value of one binary doc values field of a leaf's document, or null when the document has none. The
     * returned bytes are valid until the next call. Doc values only move forward, so they are reused while the
     * requested docs ascend and reopened when a request goes back or repeats.
     */
    private @Nullable BytesRef binaryValue(int leafIndex, int slot, int leafDoc) throws IOException {
        BinaryDocValues values = binaryValues[leafIndex][slot];
        if (values == null || values.docID() >= leafDoc) {
            values = leaves.get(leafIndex).reader().getBinaryDocValues(BINARY_FIELDS[slot]);
            if (values == null) {
                return null;
            }
            binaryValues[leafIndex][slot] = values;
        }
        return values.advanceExact(leafDoc) ? values.binaryValue() : null;
    }

    /**
     * The score of a hit: {@code similarity} between {@code target} (the query as indexed: unit length for cosine)
     * and the indexed vector of {@code doc}. Cosine hits are scored on the unit vector the graph holds, not on the
     * caller's vector in stored fields: that would decompress a stored-fields block per hit (tens of kilobytes
     * read, and kept resident, to score one 3 KB vector), and Chroma scores normalised vectors too. Cosine with a
     * zero vector on either side is undefined (Lucene asserts against it); Chroma's normalisation leaves a zero
     * vector zero, so it scores as orthogonal: cosine 0, Lucene score {@value #ZERO_VECTOR_COSINE_SCORE}.
     */
    float indexedScore(int doc, float[] target, VectorSimilarityFunction similarity) throws IOException {
        int leafIndex = ReaderUtil.subIndex(doc, leaves);
        // Compared at once, so Lucene's scratch array serves: no copy per hit.
        float[] indexed = indexedVectorView(leafIndex, doc - leaves.get(leafIndex).docBase);
        if (rawVectorStored && (VectorUtil.isZeroVector(target) || VectorUtil.isZeroVector(indexed))) {
            return ZERO_VECTOR_COSINE_SCORE;
        }
        return similarity.compare(target, indexed);
    }

    /**
     * The best {@code keep} of a quantized search's candidates by their float vectors: the first {@code rescored}
     * of {@code candidates} (best quantized score first) are scored with {@link #indexedScore} and the best
     * {@code keep} returned with those scores, best first, ties in the candidates' order. Rescoring only the head
     * of the list reads a few float vectors per query instead of one per candidate, so a quantized collection's
     * floats need not stay resident for its searches to be fast.
     */
    ScoreDoc[] rescore(ScoreDoc[] candidates, int rescored, int keep, float[] target,
            VectorSimilarityFunction similarity) throws IOException {
        int n = Math.min(rescored, candidates.length);
        // Score and position packed in one long, as ShardIndex ranks its hits: ascending order read backwards.
        long[] ranked = new long[n];
        for (int i = 0; i < n; i++) {
            float score = indexedScore(candidates[i].doc, target, similarity);
            ranked[i] = ((long) NumericUtils.floatToSortableInt(score) << 32) | (0xFFFFFFFFL & ~i);
        }
        Arrays.sort(ranked);
        ScoreDoc[] best = new ScoreDoc[Math.min(keep, n)];
        for (int j = 0; j < best.length; j++) {
            long packed = ranked[n - 1 - j];
            best[j] = new ScoreDoc(candidates[~(int) packed].doc,
                    NumericUtils.sortableIntToFloat((int) (packed >>> 32)));
        }
        return best;
    }

    /** The insertion order of one record, from doc values. */
    long order(int doc) throws IOException {
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        NumericDocValues orders = DocValues.getNumeric(leaf.reader(), FieldNames.ORDER);
        if (!orders.advanceExact(doc - leaf.docBase)) {
            throw new IllegalStateException("document " + doc + " has no insertion order");
        }
        return orders.longValue();
    }

    /** The last loaded record, with its embedding only if asked for (the vector must have been loaded). */
    StoredRecord toRecord(boolean withEmbedding) {
        assert !withEmbedding || vector != null : "embedding asked for but not loaded";
        return new StoredRecord(
                id,
                withEmbedding ? vector : null,
                document,
                metadata == null ? null : BatchCodec.decodeMetadata(metadata),
                uri);
    }

    /** The caller's vector as little-endian float32, the form of {@link FieldNames#RAW_VECTOR}. */
    static byte[] vectorBytes(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return bytes.array();
    }

    private static float[] rawVector(byte @Nullable [] bytes, int doc) {
        if (bytes == null) {
            throw new IllegalStateException("document " + doc + " has no stored vector");
        }
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    /**
     * Reads the vector values of a leaf. Their iterator only moves forward, so it is reused while the requested
     * docs ascend (the common case for a sorted batch of hits) and recreated when a request goes backwards. The
     * result may be a scratch array that the next read overwrites.
     */
    private float[] indexedVectorView(int leafIndex, int leafDoc) throws IOException {
        FloatVectorValues values = vectorValues[leafIndex];
        KnnVectorValues.DocIndexIterator iterator = vectorIterators[leafIndex];
        if (values == null || iterator == null || iterator.docID() > leafDoc) {
            values = leaves.get(leafIndex).reader().getFloatVectorValues(FieldNames.VECTOR);
            if (values == null) {
                throw new IllegalStateException("segment " + leafIndex + " has no vectors");
            }
            iterator = values.iterator();
            vectorValues[leafIndex] = values;
            vectorIterators[leafIndex] = iterator;
        }
        int found = iterator.docID() == leafDoc ? leafDoc : iterator.advance(leafDoc);
        if (found != leafDoc) {
            throw new IllegalStateException("document " + leafDoc + " of segment " + leafIndex + " has no vector");
        }
        return values.vectorValue(iterator.index());
    }

    /**
     * Collects the stored fields one load asks for. Not thread-safe; reset before each document.
     */
    private static final class PartsVisitor extends StoredFieldVisitor {

        private boolean wantId;
        private boolean wantDocument;
        private boolean wantMetadata;
        private boolean wantUri;
        private boolean wantRawVector;

        @Nullable String id;
        @Nullable String document;
        byte @Nullable [] metadata;
        @Nullable String uri;
        byte @Nullable [] rawVector;

        void reset(boolean wantId, boolean wantDocument, boolean wantMetadata, boolean wantUri,
                boolean wantRawVector) {
            this.wantId = wantId;
            this.wantDocument = wantDocument;
            this.wantMetadata = wantMetadata;
            this.wantUri = wantUri;
            this.wantRawVector = wantRawVector;
            id = null;
            document = null;
            metadata = null;
            uri = null;
            rawVector = null;
        }

        @Override
        public Status needsField(FieldInfo fieldInfo) {
            boolean wanted = switch (fieldInfo.name) {
                case FieldNames.ID -> wantId;
                case FieldNames.DOCUMENT -> wantDocument;
                case FieldNames.METADATA -> wantMetadata;
                case FieldNames.URI -> wantUri;
                case FieldNames.RAW_VECTOR -> wantRawVector;
                default -> false;
            };
            return wanted ? Status.YES : Status.NO;
        }

        @Override
        public void stringField(FieldInfo fieldInfo, String value) {
            switch (fieldInfo.name) {
                case FieldNames.ID -> id = value;
                case FieldNames.DOCUMENT -> document = value;
                case FieldNames.URI -> uri = value;
                default -> throw new IllegalStateException("unexpected string field " + fieldInfo.name);
            }
        }

        @Override
        public void binaryField(FieldInfo fieldInfo, byte[] value) {
            switch (fieldInfo.name) {
                case FieldNames.METADATA -> metadata = value;
                case FieldNames.RAW_VECTOR -> rawVector = value;
                default -> throw new IllegalStateException("unexpected binary field " + fieldInfo.name);
            }
        }
    }
}
