package dev.quiver.search.index;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.Terms;
import org.apache.lucene.util.BytesRef;
import org.jspecify.annotations.Nullable;

/**
 * The character trigrams of a record's document ({@link FieldNames#DOCUMENT_NGRAMS}), which let a
 * {@code where_document} leaf visit only the records that can match instead of every document.
 *
 * <p>What is indexed: every distinct run of three Unicode code points of the document, case-sensitive as Chroma's
 * {@code $contains}, as terms without frequencies, positions or norms; plus {@link #MARKER}, the empty term, on
 * every record written with this field, document or not. The code points are those of the document as
 * {@link FieldNames#DOCUMENT} stores it, so an unpaired surrogate counts as U+FFFD, as the stored UTF-8 has it.
 *
 * <p>Invariant that makes the index safe to use: a segment is covered when every one of its documents (deleted
 * ones included) has the marker, i.e. the field's {@link Terms#getDocCount()} equals {@link LeafReader#maxDoc()}.
 * In a covered segment a record whose document contains a string of three or more code points has every trigram
 * of that string. Segments written before the field existed, or merged from such segments, are not covered, and
 * queries scan them as before; they become covered as their records are rewritten.
 *
 * <p>Cost, measured on the 88,011 Europarl sentences of the benchmark (153.8 UTF-8 bytes each on average), indexed
 * with the id, document, BM25 text and order fields as a shard writes them but without vectors, force-merged into
 * one segment: 234.4 bytes per record without this field, 381.9 with it, so about 148 bytes more per record, close
 * to the document's own size (73,206 distinct trigrams). A 384-dimensional float vector alone takes 1,536 bytes.
 * Indexing and merging took 19 % longer (25.9 s against 30.8 s on a busy 2-core machine). The measurement program
 * is described in bench/README.md ("where_document and hybrid search").
 *
 * <p>The tokens come from {@link Trigrams}, our own small token stream, not from an analyzer: Lucene's n-gram
 * tokenizer lives in lucene-analysis-common, and an {@code Analyzer}'s reuse strategy keeps components in
 * thread-locals (see {@link DocumentText}). Thread-safe: constants and pure functions.
 */
final class DocumentNgrams {

    /** Code points per gram. */
    static final int GRAM = 3;
    /** The term every record written with the field carries; no trigram is empty. */
    static final String MARKER = "";

    /** Indexed with document ids only: candidates are verified against the document anyway. */
    static final FieldType FIELD_TYPE;

    static {
        FieldType type = new FieldType();
        type.setIndexOptions(IndexOptions.DOCS);
        type.setTokenized(true);
        type.setStored(false);
        type.setOmitNorms(true);
        type.freeze();
        FIELD_TYPE = type;
    }

    private DocumentNgrams() {
    }

    /** The field of a record: the marker, and the trigrams of its document when it has one. */
    static Field field(@Nullable String document) {
        return new Field(FieldNames.DOCUMENT_NGRAMS, new Trigrams(document), FIELD_TYPE);
    }

    /**
     * Whether every document of the segment was written with the field (see the class comment); only then may a
     * query skip the records the trigram postings do not list.
     */
    static boolean covers(LeafReader reader) throws IOException {
        Terms terms = reader.terms(FieldNames.DOCUMENT_NGRAMS);
        return terms != null && terms.getDocCount() == reader.maxDoc();
    }

    /**
     * The distinct trigrams of the UTF-8 text, as terms in order of first occurrence; empty when it has fewer than
     * {@link #GRAM} code points. Decodes the bytes, so the grams are those of exactly the text that is verified.
     */
    static List<BytesRef> trigrams(byte[] utf8) {
        return trigrams(new String(utf8, UTF_8));
    }

    /** The distinct trigrams of the text, as terms in order of first occurrence (see {@link #trigrams(byte[])}). */
    static List<BytesRef> trigrams(String text) {
        int[] codePoints = codePoints(text);
        Set<String> grams = new LinkedHashSet<>();
        for (int start = 0; start + GRAM <= codePoints.length; start++) {
            grams.add(new String(codePoints, start, GRAM));
        }
        List<BytesRef> terms = new ArrayList<>(grams.size());
        for (String gram : grams) {
            terms.add(new BytesRef(gram));
        }
        return terms;
    }

    /** The code points of the text, with unpaired surrogates replaced by U+FFFD as Lucene's UTF-8 encoder does. */
    static int[] codePoints(String text) {
        int[] codePoints = text.codePoints().toArray();
        for (int i = 0; i < codePoints.length; i++) {
            if (codePoints[i] >= Character.MIN_SURROGATE && codePoints[i] <= Character.MAX_SURROGATE) {
                codePoints[i] = 0xFFFD;
            }
        }
        return codePoints;
    }

    /**
     * The marker, then every trigram of the document (repeats included; the indexing chain keeps one posting per
     * term and document). One instance per indexed record, so it needs no reuse.
     */
    private static final class Trigrams extends TokenStream {

        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final @Nullable String document;
        private int @Nullable [] codePoints;
        /** -1 before the marker, then the start of the next gram. */
        private int next;

        Trigrams(@Nullable String document) {
            this.document = document;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            codePoints = document == null ? new int[0] : codePoints(document);
            next = -1;
        }

        @Override
        public boolean incrementToken() {
            clearAttributes();
            int[] points = codePoints;
            assert points != null : "incrementToken before reset";
            if (next < 0) {
                term.setEmpty().append(MARKER);
                next = 0;
                return true;
            }
            if (next + GRAM > points.length) {
                return false;
            }
            term.setEmpty();
            for (int i = next; i < next + GRAM; i++) {
                int point = points[i];
                if (Character.isBmpCodePoint(point)) {
                    term.append((char) point);
                } else {
                    term.append(Character.highSurrogate(point)).append(Character.lowSurrogate(point));
                }
            }
            next++;
            return true;
        }
    }
}
