package dev.quiver.search.index;

import static dev.quiver.search.index.WhereDocumentIndex.SCAN;
import static dev.quiver.search.index.WhereDocumentIndex.TRIGRAMS;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.api.Metric;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.WhereDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code where_document} through the trigram index ({@link DocumentNgrams}, {@link DocumentTextQuery}) on a real
 * Lucene directory: the same answers as a brute-force scan of the same documents, with the index and with
 * {@link WhereDocumentIndex#SCAN}, fewer candidates than a scan, and no lost matches in segments written without
 * the index.
 *
 * <p>Documents are indexed as {@link ShardIndex} indexes them (the document's doc values plus the trigram field),
 * with merges off and small flushes, so a record's global doc id is its position in the list and the records span
 * several segments.
 */
class DocumentNgramsTests {

    /** Words with cases, accents, scripts, emoji, regex metacharacters and control characters. */
    private static final String[] WORDS = {
        "the", "The", "THE", "quick", "brown", "fox", "Fox", "jumps", "over", "lazy", "dog", "über", "ÜBER", "naïve",
        "Straße", "日本語", "テキスト", "🎉", "🎉🎉", "αβγ", "a.b", "x+y", "(paren)", "[br]", "{c}", "a|b", "back\\slash",
        "tab\there", "new\nline", "aaa", "abab", "abcabc", "colour", "color", "$100", "^caret", "ab", "q", "quickly",
    };

    private static final String[] SEPARATORS = {" ", " ", " ", ", ", ". ", "-", "", "\n"};

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(WhereDocumentIndex.class)
    void containsFindsExactlyWhatABruteForceScanFinds(WhereDocumentIndex index) throws IOException {
        List<@Nullable String> documents = documents(new Random(7), 3_000);
        List<String> needles = new ArrayList<>(List.of(
                "fox", "Fox", "quick brown", "jumps over", "über", "ÜBER", "日本語", "本語", "🎉🎉", "🎉 ", "a.b", "x+y",
                "(paren)", "tab\th", "new\nl", "aaaa", "abab", "bcab", "colour", "olo", "$10", "^ca", "naïve", "aïv",
                "zzz", "the the the", "αβγ", "ße", "fo", "q", "", "back\\s", "x+y x+y"));
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            String document = documents.get(random.nextInt(documents.size()));
            if (document != null && !document.isEmpty()) {
                int[] points = document.codePoints().toArray();
                int start = random.nextInt(points.length);
                int end = Math.min(points.length, start + 1 + random.nextInt(12));
                needles.add(new String(points, start, end - start));
            }
        }
        try (Directory lucene = index(documents, true)) {
            IndexSearcher searcher = searcher(lucene);
            for (String needle : needles) {
                for (boolean negated : new boolean[] {false, true}) {
                    List<Integer> expected = bruteForce(documents, document -> document.contains(needle), negated);
                    assertThat(search(searcher, DocumentTextQuery.contains(needle, negated, index)))
                            .as("%s %s", negated ? "$not_contains" : "$contains", needle)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WhereDocumentIndex.class)
    void regexFindsExactlyWhatABruteForceScanFinds(WhereDocumentIndex index) throws IOException {
        List<@Nullable String> documents = documents(new Random(8), 3_000);
        List<String> patterns = List.of(
                "fox", "quick\\s+brown", "quick brown|lazy dog", "^The", "dog$", "fox(es)?", "colou?r", "col(o|ou)r",
                "ab+a", "(ab)+c", "a{2,}", "xa{0}b", "ab{1}ab", "a.b", "a\\.b", "x\\+y", "\\(paren\\)", "\\[br\\]",
                "\\{c\\}", "a\\|b", "back\\\\slash", "tab\\there", "new\\nline", "\\$100", "\\^caret", "[Ff]ox",
                "[^ ]ox", "[]a]bc", "[a-z&&[^x]]ump", "(?i)fox", "(?i:ÜBER)", "fo(?i)X", "(?-i)fox", "\\p{Lu}OX",
                "\\bfox\\b", "\\Bbab", "日本.", "テキ?スト", "🎉{2}", "🎉+ ", "[🎉]x", "αβ[γδ]", "Stra(ß|ss)e",
                "(?<w>fox) \\k<w>", "(fox) \\1", "\\Qa.b\\E", "quick(?=ly)", "quick(?!ly)", "(?<=the )fox",
                "\\x41BC", "\\u00fcber", "\\x{1F389}", "\\0141aa", "\\cAxx", "fox|", "|fox", "(fox|dog)s?",
                "lazy\\s*dog", "jum.s ov.r", "ju*mps", "jum+ps", "j?umps", "over.{0,3}lazy", "over.{2}lazy",
                "o+ver", "ov*er", "\\w+ \\d+", "\\tt", "q$", "^q", "^$", "", "(?s)the.dog", "(?x) f o x",
                "[[:alpha:]]fox", "a]b", "ab}", "\\}c", "zzz");
        try (Directory lucene = index(documents, true)) {
            IndexSearcher searcher = searcher(lucene);
            for (String source : patterns) {
                Pattern pattern = Pattern.compile(source);
                for (boolean negated : new boolean[] {false, true}) {
                    List<Integer> expected =
                            bruteForce(documents, document -> pattern.matcher(document).find(), negated);
                    assertThat(search(searcher, DocumentTextQuery.regex(pattern, negated, index)))
                            .as("%s %s", negated ? "$not_regex" : "$regex", source)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void aSelectiveContainsVisitsOnlyTheRecordsWithItsTrigrams() throws IOException {
        List<@Nullable String> documents = documents(new Random(9), 3_000);
        documents.set(1234, "a needle in the haystack");
        try (Directory lucene = index(documents, true)) {
            IndexSearcher searcher = searcher(lucene);
            assertThat(search(searcher, DocumentTextQuery.contains("needle", false, TRIGRAMS))).containsExactly(1234);
            long candidates = cost(searcher, DocumentTextQuery.contains("needle", false, TRIGRAMS));
            long scanned = cost(searcher, DocumentTextQuery.contains("ne", false, TRIGRAMS));
            assertThat(candidates).isEqualTo(1);
            assertThat(scanned).isGreaterThan(2_000);
            Pattern regex = Pattern.compile("ne+dle\\s+in");
            assertThat(search(searcher, DocumentTextQuery.regex(regex, false, TRIGRAMS))).containsExactly(1234);
            assertThat(cost(searcher, DocumentTextQuery.regex(regex, false, TRIGRAMS))).isEqualTo(1);
        }
    }

    @Test
    void scanIgnoresTheIndexWithTheSameAnswers() throws IOException {
        List<@Nullable String> documents = documents(new Random(10), 1_000);
        try (Directory lucene = index(documents, true)) {
            IndexSearcher searcher = searcher(lucene);
            DocumentTextQuery indexed = DocumentTextQuery.contains("jumps over", false, TRIGRAMS);
            DocumentTextQuery scanned = DocumentTextQuery.contains("jumps over", false, SCAN);
            assertThat(search(searcher, scanned)).isNotEmpty().isEqualTo(search(searcher, indexed));
            assertThat(cost(searcher, scanned)).isGreaterThan(cost(searcher, indexed));
            assertThat(scanned).isNotEqualTo(indexed);
        }
    }

    @Test
    void segmentsWithRecordsWrittenWithoutTheIndexAreScannedSoNoMatchIsLost() throws IOException {
        List<@Nullable String> documents = documents(new Random(12), 2_000);
        List<String> needles = List.of("fox", "jumps over", "日本語", "🎉🎉", "zzz");
        // Records alternate between the old layout (no trigram field) and the new one within every segment, and
        // the first segments are entirely old.
        try (Directory lucene = FSDirectory.open(directory.resolve("mixed"))) {
            try (IndexWriter writer = new IndexWriter(lucene, config())) {
                for (int i = 0; i < documents.size(); i++) {
                    writer.addDocument(document(documents.get(i), i >= 500 && i % 2 == 0));
                }
                writer.commit();
            }
            IndexSearcher searcher = searcher(lucene);
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                assertThat(DocumentNgrams.covers(leaf.reader())).isFalse();
            }
            for (String needle : needles) {
                for (boolean negated : new boolean[] {false, true}) {
                    assertThat(search(searcher, DocumentTextQuery.contains(needle, negated, TRIGRAMS)))
                            .as(needle)
                            .isEqualTo(bruteForce(documents, document -> document.contains(needle), negated));
                }
            }
            Pattern pattern = Pattern.compile("quick\\s+brown");
            assertThat(search(searcher, DocumentTextQuery.regex(pattern, false, TRIGRAMS)))
                    .isEqualTo(bruteForce(documents, document -> pattern.matcher(document).find(), false));
        }
    }

    @Test
    void aShardWrittenBeforeTheIndexExistedStillFindsItsOldRecords() throws IOException {
        Path shardDirectory = directory.resolve("shard");
        // The layout ShardIndex wrote before the trigram field: id, id value, vector, document, BM25 text, order.
        try (Directory lucene = FSDirectory.open(shardDirectory);
                IndexWriter writer = new IndexWriter(lucene, new IndexWriterConfig(DocumentText.indexAnalyzer()))) {
            String[] texts = {"the quick brown fox", "a lazy dog", "fox and dog"};
            for (int i = 0; i < texts.length; i++) {
                Document document = new Document();
                String id = "old" + i;
                document.add(new StringField(FieldNames.ID, FieldNames.term(id), Field.Store.NO));
                document.add(new BinaryDocValuesField(FieldNames.ID_VALUE, new BytesRef(id)));
                document.add(new KnnFloatVectorField(
                        FieldNames.VECTOR, new float[] {i, 1f}, VectorSimilarityFunction.EUCLIDEAN));
                document.add(new BinaryDocValuesField(FieldNames.DOCUMENT, new BytesRef(texts[i])));
                document.add(DocumentText.field(texts[i]));
                long order = ShardIndex.order(1, i);
                document.add(new NumericDocValuesField(FieldNames.ORDER, order));
                document.add(new LongPoint(FieldNames.ORDER, order));
                writer.addDocument(document);
            }
            writer.setLiveCommitData(Map.of(ShardIndex.SEQUENCE_KEY, "1").entrySet());
            writer.commit();
        }
        try (ShardIndex shard = Records.open(shardDirectory, Metric.L2)) {
            shard.apply(2, Records.add(
                    Records.record("new0", new float[] {5f, 1f}, "another fox", null, null),
                    Records.record("new1", new float[] {6f, 1f}, "no match", null, null)));
            shard.refresh();
            assertThat(shard.matchingIds(new RecordFilter(null, null, new WhereDocument.Contains("fox", false))))
                    .containsExactly("old0", "old2", "new0");
            assertThat(shard.matchingIds(new RecordFilter(null, null, new WhereDocument.Contains("fox", true))))
                    .containsExactly("old1", "new1");
            assertThat(shard.matchingIds(new RecordFilter(
                    null, null, new WhereDocument.Regex(Pattern.compile("fox$"), false))))
                    .containsExactly("old0", "new0");
        }
    }

    @Test
    void aSegmentOfNewRecordsIsCoveredEvenWhenSomeHaveNoDocument() throws IOException {
        List<@Nullable String> documents = new ArrayList<>();
        documents.add(null);
        documents.add("fox");
        documents.add("");
        documents.add("ab");
        try (Directory lucene = index(documents, true)) {
            IndexSearcher searcher = searcher(lucene);
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                assertThat(DocumentNgrams.covers(leaf.reader())).isTrue();
            }
            assertThat(search(searcher, DocumentTextQuery.contains("fox", false, TRIGRAMS))).containsExactly(1);
            assertThat(search(searcher, DocumentTextQuery.contains("fox", true, TRIGRAMS))).containsExactly(0, 2, 3);
        }
    }

    @Test
    void trigramsAreTheDistinctCodePointTrigramsOfTheStoredText() {
        assertThat(terms(DocumentNgrams.trigrams("ab"))).isEmpty();
        assertThat(terms(DocumentNgrams.trigrams("abcabc"))).containsExactly("abc", "bca", "cab");
        assertThat(terms(DocumentNgrams.trigrams("a🎉b🎉"))).containsExactly("a🎉b", "🎉b🎉");
        // An unpaired surrogate is stored as U+FFFD, so its gram is too.
        assertThat(terms(DocumentNgrams.trigrams("a\uD800b"))).containsExactly("a\uFFFDb");
    }

    @Test
    void regexLiteralsAreOnlyWhatEveryMatchMustContain() {
        assertThat(literals("fox")).containsExactly("fox");
        assertThat(literals("quick\\s+brown")).containsExactly("quick", "brown");
        assertThat(literals("colou?r")).containsExactly("colo", "r");
        assertThat(literals("ab+c")).containsExactly("ab", "bc");
        assertThat(literals("x[abc]yz")).containsExactly("x", "yz");
        assertThat(literals("\\.com$")).containsExactly(".com");
        assertThat(literals("a\\tb")).containsExactly("a\tb");
        assertThat(literals("(fox)? jumps")).containsExactly(" jumps");
        assertThat(literals("fox|dog")).isEmpty();
        assertThat(literals("(?i)fox")).isEmpty();
        assertThat(literals("fo(?i:x)yz")).isEmpty();
        assertThat(literals("\\Qa.b\\E")).isEmpty();
        assertThat(RegexLiterals.of(Pattern.compile("fox", Pattern.CASE_INSENSITIVE))).isEmpty();
        assertThat(literals("\\p{L}{2}über")).containsExactly("über");
        assertThat(literals("\\u00fcber")).containsExactly("ber");
    }

    private static List<String> literals(String pattern) {
        return RegexLiterals.of(Pattern.compile(pattern));
    }

    private static List<String> terms(List<BytesRef> terms) {
        return terms.stream().map(BytesRef::utf8ToString).toList();
    }

    /** Seeded documents of 0 to 14 words; about one in twelve records has no document and one in thirty is empty. */
    private static List<@Nullable String> documents(Random random, int count) {
        List<@Nullable String> documents = new ArrayList<>(count);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(60);
            if (kind < 5) {
                documents.add(null);
                continue;
            }
            if (kind < 7) {
                documents.add("");
                continue;
            }
            text.setLength(0);
            int words = 1 + random.nextInt(14);
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
                }
                text.append(WORDS[random.nextInt(WORDS.length)]);
            }
            documents.add(text.toString());
        }
        return documents;
    }

    private Directory index(List<@Nullable String> documents, boolean withNgrams) throws IOException {
        Directory lucene = FSDirectory.open(directory.resolve("index"));
        try (IndexWriter writer = new IndexWriter(lucene, config())) {
            for (String document : documents) {
                writer.addDocument(document(document, withNgrams));
            }
            writer.commit();
        }
        return lucene;
    }

    /** No merges, so doc ids follow insertion order; small flushes, so there are several segments. */
    private static IndexWriterConfig config() {
        return new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE).setMaxBufferedDocs(700);
    }

    /** The document's fields as {@link ShardIndex} writes them, with or without the trigram field. */
    private static Document document(@Nullable String text, boolean withNgrams) {
        Document document = new Document();
        if (text != null) {
            document.add(new BinaryDocValuesField(FieldNames.DOCUMENT, new BytesRef(text)));
        }
        if (withNgrams) {
            document.add(DocumentNgrams.field(text));
        }
        return document;
    }

    private static IndexSearcher searcher(Directory lucene) throws IOException {
        IndexSearcher searcher = new IndexSearcher(DirectoryReader.open(lucene));
        searcher.setQueryCache(null);
        return searcher;
    }

    private static List<Integer> search(IndexSearcher searcher, Query query) throws IOException {
        int maxDoc = searcher.getIndexReader().maxDoc();
        List<Integer> docs = new ArrayList<>();
        for (var hit : searcher.search(query, Math.max(1, maxDoc)).scoreDocs) {
            docs.add(hit.doc);
        }
        docs.sort(null);
        return docs;
    }

    /** The summed cost of the query's scorers: how many records it would visit. */
    private static long cost(IndexSearcher searcher, Query query) throws IOException {
        Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
        long cost = 0;
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            ScorerSupplier supplier = weight.scorerSupplier(leaf);
            if (supplier != null) {
                cost += supplier.cost();
            }
        }
        return cost;
    }

    private static List<Integer> bruteForce(
            List<@Nullable String> documents, java.util.function.Predicate<String> matches, boolean negated) {
        List<Integer> docs = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            String document = documents.get(i);
            // As stored: the UTF-8 round trip is what the query reads.
            boolean match = document != null && matches.test(new String(document.getBytes(UTF_8), UTF_8));
            if (match != negated) {
                docs.add(i);
            }
        }
        return docs;
    }
}
