package dev.quiver.search.index;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.jspecify.annotations.Nullable;

/**
 * The document as BM25 sees it ({@link FieldNames#DOCUMENT_TEXT}): how it is analysed, indexed and queried.
 *
 * <p>Analysis is Lucene's {@link StandardAnalyzer}: Unicode word boundaries (UAX #29), lower case, no stop words
 * and no stemming. Chosen over an {@code EnglishAnalyzer} because a collection's documents may be in any language,
 * and an English stemmer and stop list would mangle the rest; because the terms people search for with BM25 rather
 * than with vectors are mostly exact ones (names, codes, rare words) that stemming only blurs; and because it lives
 * in lucene-core, so no analysis module joins the dependencies. BM25 is Lucene's default similarity (k1 = 1.2,
 * b = 0.75).
 *
 * <p>The field keeps document frequencies, term frequencies and the length norm, which is all BM25 reads; no
 * positions (no phrase queries need them), so indexing a document costs one inverted-index pass and no more.
 *
 * <p>Thread-safe: constants and pure functions. The query side tokenizes with a fresh tokenizer per call rather
 * than through an {@link Analyzer}, whose reuse strategy keeps components in thread-locals that would pile up on
 * the virtual threads a search may run on.
 */
final class DocumentText {

    /** Indexed with frequencies and norms, tokenized, not stored. */
    static final FieldType FIELD_TYPE;

    static {
        FieldType type = new FieldType();
        type.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
        type.setTokenized(true);
        type.setStored(false);
        type.setOmitNorms(false);
        type.freeze();
        FIELD_TYPE = type;
    }

    private DocumentText() {
    }

    /** The analyzer the index writer applies to {@link FieldNames#DOCUMENT_TEXT}; the only tokenized field. */
    static Analyzer indexAnalyzer() {
        return new StandardAnalyzer();
    }

    static Field field(String document) {
        return new Field(FieldNames.DOCUMENT_TEXT, document, FIELD_TYPE);
    }

    /**
     * The BM25 query of a text: one optional term clause per distinct token, boosted by how often the token occurs
     * in the text (the same score as repeating the clause, as Lucene's query parser would). Null when the text has
     * no token. Beyond {@link IndexSearcher#getMaxClauseCount()} distinct tokens the rest are ignored, since Lucene
     * refuses larger boolean queries.
     */
    static @Nullable Query query(String text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        int maxClauses = IndexSearcher.getMaxClauseCount();
        try (TokenStream tokens = new LowerCaseFilter(tokenizer(text))) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                String token = term.toString();
                Integer count = counts.get(token);
                if (count != null) {
                    counts.put(token, count + 1);
                } else if (counts.size() < maxClauses) {
                    counts.put(token, 1);
                }
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot analyse a query text", e);
        }
        if (counts.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            Query clause = new TermQuery(new Term(FieldNames.DOCUMENT_TEXT, entry.getKey()));
            int count = entry.getValue();
            query.add(count == 1 ? clause : new BoostQuery(clause, count), BooleanClause.Occur.SHOULD);
        }
        return query.build();
    }

    private static StandardTokenizer tokenizer(String text) {
        StandardTokenizer tokenizer = new StandardTokenizer();
        tokenizer.setReader(new StringReader(text));
        return tokenizer;
    }
}
