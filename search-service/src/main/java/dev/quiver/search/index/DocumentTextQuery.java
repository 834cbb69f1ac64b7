package dev.quiver.search.index;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.TermState;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.ConstantScoreScorer;
import org.apache.lucene.search.ConjunctionUtils;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
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
 * <p>Candidates: in a segment the trigram index covers ({@link DocumentNgrams#covers}), a substring of three or more
 * code points, or a pattern with literals every match contains ({@link RegexLiterals}), is looked up as the
 * intersection of the postings of its rarest trigrams (at most {@link #MAX_INTERSECTED_TRIGRAMS} of
 * {@link #MAX_LOOKED_UP_TRIGRAMS} looked up), and only those records are verified; the scorer's cost is the rarest
 * trigram's document frequency, so an ids or metadata clause that is more selective still leads a conjunction. A
 * trigram missing from the segment ends the search there. A negated leaf still visits every record, but verifies
 * only the candidates: a record outside them cannot match the positive leaf. Shorter substrings, patterns without a
 * literal, and segments the index does not cover are scanned as before, and so is every segment under
 * {@link WhereDocumentIndex#SCAN}. Verification is always exact, so the index only ever narrows what is checked.
 *
 * <p>The query is immutable and thread-safe; each per-segment scorer owns its own matcher and buffers.
 */
final class DocumentTextQuery extends Query {

    /** Scanning a document costs far more than advancing a postings list; lets conjunctions check us last. */
    private static final float SUBSTRING_MATCH_COST = 100f;
    private static final float REGEX_MATCH_COST = 1000f;

    /** Trigrams of one text looked up per segment; a longer needle is sampled evenly. */
    static final int MAX_LOOKED_UP_TRIGRAMS = 64;
    /** The rarest of them whose postings are intersected: more would add advance calls, not selectivity. */
    static final int MAX_INTERSECTED_TRIGRAMS = 6;

    private final byte @Nullable [] substring;
    private final @Nullable Pattern pattern;
    private final boolean negated;
    /** Kept for equality: the same leaf under {@link WhereDocumentIndex#SCAN} matches alike but costs more. */
    private final WhereDocumentIndex index;
    /** Trigrams every matching document has ({@link DocumentNgrams}); empty when the leaf must scan. */
    private final List<BytesRef> trigrams;

    private DocumentTextQuery(
            byte @Nullable [] substring, @Nullable Pattern pattern, boolean negated, WhereDocumentIndex index) {
        assert (substring == null) != (pattern == null) : "exactly one of substring and pattern";
        this.substring = substring;
        this.pattern = pattern;
        this.negated = negated;
        this.index = requireNonNull(index, "index is null");
        this.trigrams = switch (index) {
            case TRIGRAMS -> substring != null ? DocumentNgrams.trigrams(substring) : regexTrigrams(pattern);
            case SCAN -> List.of();
        };
    }

    /** The trigrams of every literal the pattern's matches contain (see {@link RegexLiterals}). */
    private static List<BytesRef> regexTrigrams(Pattern pattern) {
        Set<BytesRef> trigrams = new LinkedHashSet<>();
        for (String literal : RegexLiterals.of(pattern)) {
            trigrams.addAll(DocumentNgrams.trigrams(literal));
        }
        return List.copyOf(trigrams);
    }

    /**
     * {@code $contains} (or {@code $not_contains} when negated); an empty text matches every document. {@code index}
     * says whether candidates come from the trigram index or a scan.
     */
    static DocumentTextQuery contains(String text, boolean negated, WhereDocumentIndex index) {
        return new DocumentTextQuery(requireNonNull(text, "text is null").getBytes(UTF_8), null, negated, index);
    }

    /** {@code $regex} (or {@code $not_regex} when negated), with candidates as {@code index} says. */
    static DocumentTextQuery regex(Pattern pattern, boolean negated, WhereDocumentIndex index) {
        return new DocumentTextQuery(null, requireNonNull(pattern, "pattern is null"), negated, index);
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        return new ConstantScoreWeight(this, boost) {
            @Override
            public @Nullable ScorerSupplier scorerSupplier(LeafReaderContext context) throws IOException {
                LeafReader reader = context.reader();
                BinaryDocValues documents = DocValues.getBinary(reader, FieldNames.DOCUMENT);
                if (!negated && documents.cost() == 0) {
                    return null;
                }
                Candidates candidates = trigrams.isEmpty() ? null : Candidates.lookUp(reader, trigrams);
                if (candidates == null) {
                    DocIdSetIterator approximation = negated ? DocIdSetIterator.all(reader.maxDoc()) : documents;
                    TwoPhaseIterator twoPhase = new DocumentMatcher(approximation, documents, null);
                    return new DefaultScorerSupplier(new ConstantScoreScorer(score(), scoreMode, twoPhase));
                }
                if (candidates.terms.length == 0) {
                    // A trigram no record of the segment has: nothing matches, so the negation matches everything.
                    return negated
                            ? new DefaultScorerSupplier(new ConstantScoreScorer(
                                    score(), scoreMode, DocIdSetIterator.all(reader.maxDoc())))
                            : null;
                }
                float score = score();
                return new ScorerSupplier() {
                    @Override
                    public Scorer get(long leadCost) throws IOException {
                        DocIdSetIterator candidateDocs = candidates.iterator();
                        TwoPhaseIterator twoPhase = negated
                                ? new DocumentMatcher(DocIdSetIterator.all(reader.maxDoc()), documents, candidateDocs)
                                : new DocumentMatcher(candidateDocs, documents, null);
                        return new ConstantScoreScorer(score, scoreMode, twoPhase);
                    }

                    @Override
                    public long cost() {
                        return negated ? reader.maxDoc() : candidates.cost;
                    }
                };
            }

            @Override
            public boolean isCacheable(LeafReaderContext context) {
                return DocValues.isCacheable(context, FieldNames.DOCUMENT);
            }
        };
    }

    /**
     * The rarest trigrams of one segment that a match must contain, looked up once per segment. Empty
     * {@link #terms} when one of them is absent from the segment, so nothing there matches.
     */
    private static final class Candidates {

        private final TermsEnum termsEnum;
        private final BytesRef[] terms;
        private final TermState[] states;
        /** The smallest document frequency of the terms: what the intersection visits at most. */
        private final long cost;

        private Candidates(TermsEnum termsEnum, BytesRef[] terms, TermState[] states, long cost) {
            this.termsEnum = termsEnum;
            this.terms = terms;
            this.states = states;
            this.cost = cost;
        }

        /** Null when the segment is not covered by the trigram index, so it must be scanned. */
        static @Nullable Candidates lookUp(LeafReader reader, List<BytesRef> trigrams) throws IOException {
            if (!DocumentNgrams.covers(reader)) {
                return null;
            }
            Terms indexed = reader.terms(FieldNames.DOCUMENT_NGRAMS);
            assert indexed != null : "a covered segment has the field";
            TermsEnum termsEnum = indexed.iterator();
            int lookups = Math.min(trigrams.size(), MAX_LOOKED_UP_TRIGRAMS);
            BytesRef[] terms = new BytesRef[lookups];
            TermState[] states = new TermState[lookups];
            int[] docFreqs = new int[lookups];
            Integer[] order = new Integer[lookups];
            for (int i = 0; i < lookups; i++) {
                // Spread over the whole text when it has more trigrams than are looked up.
                BytesRef term = trigrams.get((int) ((long) i * trigrams.size() / lookups));
                if (!termsEnum.seekExact(term)) {
                    return new Candidates(termsEnum, new BytesRef[0], new TermState[0], 0);
                }
                terms[i] = term;
                states[i] = termsEnum.termState();
                docFreqs[i] = termsEnum.docFreq();
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Integer.compare(docFreqs[a], docFreqs[b]));
            int kept = Math.min(lookups, MAX_INTERSECTED_TRIGRAMS);
            BytesRef[] rarest = new BytesRef[kept];
            TermState[] rarestStates = new TermState[kept];
            for (int i = 0; i < kept; i++) {
                rarest[i] = terms[order[i]];
                rarestStates[i] = states[order[i]];
            }
            return new Candidates(termsEnum, rarest, rarestStates, docFreqs[order[0]]);
        }

        /** The records that have every kept trigram. Called once per scorer; positions the shared enum. */
        DocIdSetIterator iterator() throws IOException {
            if (terms.length == 1) {
                termsEnum.seekExact(terms[0], states[0]);
                return termsEnum.postings(null, PostingsEnum.NONE);
            }
            List<DocIdSetIterator> postings = new ArrayList<>(terms.length);
            for (int i = 0; i < terms.length; i++) {
                termsEnum.seekExact(terms[i], states[i]);
                postings.add(termsEnum.postings(null, PostingsEnum.NONE));
            }
            return ConjunctionUtils.intersectIterators(postings);
        }
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
                && index == that.index
                && Arrays.equals(substring, that.substring)
                && Objects.equals(pattern == null ? null : pattern.pattern(),
                        that.pattern == null ? null : that.pattern.pattern())
                && (pattern == null ? 0 : pattern.flags()) == (that.pattern == null ? 0 : that.pattern.flags());
    }

    @Override
    public int hashCode() {
        int hash = classHash();
        hash = 31 * hash + Boolean.hashCode(negated);
        hash = 31 * hash + index.hashCode();
        hash = 31 * hash + Arrays.hashCode(substring);
        hash = 31 * hash + (pattern == null ? 0 : pattern.pattern().hashCode() * 31 + pattern.flags());
        return hash;
    }

    /**
     * Checks one segment's candidates. Not thread-safe: one per scorer, as Lucene uses scorers.
     */
    private final class DocumentMatcher extends TwoPhaseIterator {

        private final BinaryDocValues documents;
        /** Negated leaves over a covered segment: the records that may match the positive leaf, else null. */
        private final @Nullable DocIdSetIterator candidates;
        private final @Nullable Matcher matcher;
        private final @Nullable CharsRefBuilder chars;

        DocumentMatcher(
                DocIdSetIterator approximation, BinaryDocValues documents, @Nullable DocIdSetIterator candidates) {
            super(approximation);
            this.documents = documents;
            this.candidates = candidates;
            this.matcher = pattern == null ? null : pattern.matcher("");
            this.chars = pattern == null ? null : new CharsRefBuilder();
        }

        @Override
        public boolean matches() throws IOException {
            int doc = approximation.docID();
            if (candidates != null) {
                if (candidates.docID() < doc) {
                    candidates.advance(doc);
                }
                if (candidates.docID() != doc) {
                    return true; // lacks a trigram the positive leaf needs
                }
            }
            // When scanning a positive leaf the approximation is the doc values iterator itself, already positioned.
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
