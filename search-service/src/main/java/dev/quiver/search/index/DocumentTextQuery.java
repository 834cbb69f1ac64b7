package dev.quiver.search.index;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.ConstantScoreScorer;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.TwoPhaseIterator;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.CharsRefBuilder;
import org.jspecify.annotations.Nullable;

/**
 * One {@code where_document} leaf: the record's document contains a substring, or some part of it matches a
 * regular expression ({@link Matcher#find()}), optionally negated. Case-sensitive, as in Chroma.
 *
 * <p>It verifies candidates against the {@link FieldNames#DOCUMENT} binary doc values in a {@link TwoPhaseIterator},
 * so in a conjunction the cheaper clauses (ids, metadata) lead and only their matches are checked. A positive leaf
 * only considers records that have a document; a negated one also matches every record without one. Substrings are
 * searched in the UTF-8 bytes directly, which is exact because UTF-8 is self-synchronising: a valid encoded needle
 * can only match at a character boundary. Regular expressions run over the document decoded into a reused buffer.
 *
 * <p>The query is immutable and thread-safe; each per-segment scorer owns its own matcher and buffers.
 */
final class DocumentTextQuery extends Query {

    /** Scanning a document costs far more than advancing a postings list; lets conjunctions check us last. */
    private static final float SUBSTRING_MATCH_COST = 100f;
    private static final float REGEX_MATCH_COST = 1000f;

    private final byte @Nullable [] substring;
    private final @Nullable Pattern pattern;
    private final boolean negated;

    private DocumentTextQuery(byte @Nullable [] substring, @Nullable Pattern pattern, boolean negated) {
        assert (substring == null) != (pattern == null) : "exactly one of substring and pattern";
        this.substring = substring;
        this.pattern = pattern;
        this.negated = negated;
    }

    /** {@code $contains} (or {@code $not_contains} when negated); an empty text matches every document. */
    static DocumentTextQuery contains(String text, boolean negated) {
        return new DocumentTextQuery(requireNonNull(text, "text is null").getBytes(UTF_8), null, negated);
    }

    /** {@code $regex} (or {@code $not_regex} when negated). */
    static DocumentTextQuery regex(Pattern pattern, boolean negated) {
        return new DocumentTextQuery(null, requireNonNull(pattern, "pattern is null"), negated);
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        return new ConstantScoreWeight(this, boost) {
            @Override
            public @Nullable ScorerSupplier scorerSupplier(LeafReaderContext context) throws IOException {
                LeafReader reader = context.reader();
                BinaryDocValues documents = DocValues.getBinary(reader, FieldNames.DOCUMENT);
                DocIdSetIterator approximation;
                if (negated) {
                    approximation = DocIdSetIterator.all(reader.maxDoc());
                } else {
                    if (documents.cost() == 0) {
                        return null;
                    }
                    approximation = documents;
                }
                TwoPhaseIterator twoPhase = new DocumentMatcher(approximation, documents);
                return new DefaultScorerSupplier(new ConstantScoreScorer(score(), scoreMode, twoPhase));
            }

            @Override
            public boolean isCacheable(LeafReaderContext context) {
                return DocValues.isCacheable(context, FieldNames.DOCUMENT);
            }
        };
    }

    /** Substring search over UTF-8 bytes; allocation-free, as it runs once per candidate. */
    static boolean containsBytes(byte[] haystack, int offset, int length, byte[] needle) {
        int needleLength = needle.length;
        if (needleLength == 0) {
            return true;
        }
        byte first = needle[0];
        int lastStart = offset + length - needleLength;
        for (int start = offset; start <= lastStart; start++) {
            if (haystack[start] != first) {
                continue;
            }
            int matched = 1;
            while (matched < needleLength && haystack[start + matched] == needle[matched]) {
                matched++;
            }
            if (matched == needleLength) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString(String field) {
        String operator = pattern != null
                ? (negated ? "$not_regex" : "$regex")
                : (negated ? "$not_contains" : "$contains");
        String operand = pattern != null ? pattern.pattern() : new String(substring, UTF_8);
        return FieldNames.DOCUMENT + ":" + operator + "(" + operand + ")";
    }

    @Override
    public void visit(QueryVisitor visitor) {
        if (visitor.acceptField(FieldNames.DOCUMENT)) {
            visitor.visitLeaf(this);
        }
    }

    @Override
    public boolean equals(Object other) {
        if (!sameClassAs(other)) {
            return false;
        }
        DocumentTextQuery that = (DocumentTextQuery) other;
        // Pattern has identity equality; two patterns with the same source and flags match the same texts.
        return negated == that.negated
                && Arrays.equals(substring, that.substring)
                && Objects.equals(pattern == null ? null : pattern.pattern(),
                        that.pattern == null ? null : that.pattern.pattern())
                && (pattern == null ? 0 : pattern.flags()) == (that.pattern == null ? 0 : that.pattern.flags());
    }

    @Override
    public int hashCode() {
        int hash = classHash();
        hash = 31 * hash + Boolean.hashCode(negated);
        hash = 31 * hash + Arrays.hashCode(substring);
        hash = 31 * hash + (pattern == null ? 0 : pattern.pattern().hashCode() * 31 + pattern.flags());
        return hash;
    }

    /**
     * Checks one segment's candidates. Not thread-safe: one per scorer, as Lucene uses scorers.
     */
    private final class DocumentMatcher extends TwoPhaseIterator {

        private final BinaryDocValues documents;
        private final @Nullable Matcher matcher;
        private final @Nullable CharsRefBuilder chars;

        DocumentMatcher(DocIdSetIterator approximation, BinaryDocValues documents) {
            super(approximation);
            this.documents = documents;
            this.matcher = pattern == null ? null : pattern.matcher("");
            this.chars = pattern == null ? null : new CharsRefBuilder();
        }

        @Override
        public boolean matches() throws IOException {
            int doc = approximation.docID();
            // For a positive leaf the approximation is the doc values iterator itself, already positioned.
            if (approximation != documents && !documents.advanceExact(doc)) {
                assert negated : "a positive leaf only visits documents that exist";
                return true;
            }
            return matchesText(documents.binaryValue()) != negated;
        }

        private boolean matchesText(BytesRef text) {
            if (substring != null) {
                return containsBytes(text.bytes, text.offset, text.length, substring);
            }
            assert matcher != null && chars != null : "a regex leaf has a matcher";
            chars.copyUTF8Bytes(text);
            return matcher.reset(chars.get()).find();
        }

        @Override
        public float matchCost() {
            return substring != null ? SUBSTRING_MATCH_COST : REGEX_MATCH_COST;
        }
    }
}
