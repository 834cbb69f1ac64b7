package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.apache.lucene.util.VectorUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextDatasetTests {

    /** Splitting the corpus takes a second or two, so the tests that only read it share one split. */
    private static TextDataset.Corpus corpus;

    @BeforeAll
    static void splitCorpus() {
        corpus = TextDataset.corpus();
    }

    @Test
    void firstSentencesAreTheSameWhateverTheCount() {
        List<String> few = TextDataset.sentences(100);

        assertThat(few).hasSize(100).isEqualTo(corpus.data().subList(0, 100));
        assertThat(corpus.prefix(1000, 10).data().subList(0, 100)).isEqualTo(few);
        assertThat(corpus.data()).as("about 88,000 sentences").hasSizeBetween(80_000, 100_000);
    }

    @Test
    void queriesAreHeldOutSentencesThatTheDataNeverContains() {
        var data = new HashSet<>(corpus.data());

        assertThat(data).as("no duplicates").hasSameSizeAs(corpus.data());
        assertThat(corpus.queries()).noneMatch(data::contains);
        assertThat(corpus.queries()).hasSize((corpus.data().size() + corpus.queries().size())
                / TextDataset.QUERY_STRIDE);
        assertThat(TextDataset.querySentences(20)).isEqualTo(corpus.queries().subList(0, 20));
    }

    @Test
    void everySentenceIsWholeWithCollapsedSpacesAndAReasonableLength() {
        for (String sentence : corpus.data().subList(0, 20_000)) {
            assertThat(sentence).isEqualTo(sentence.strip()).doesNotContain("  ", "\t", "\u00A0");
            assertThat(sentence.split(" ")).hasSizeBetween(TextDataset.MIN_WORDS, TextDataset.MAX_WORDS);
            assertThat(sentence).matches(s -> s.matches("(?s)^[\"'“‘„«(¿¡–-]*[\\p{Lu}\\p{Nd}].*[.!?][\"'”’»)]*$"),
                    "starts with a capital or digit and ends with . ! or ?");
        }
    }

    @Test
    void splitterDropsCutFragmentsAndKeepsAbbreviationsInsideSentences() {
        String line = "Debate\t2004-03-30\tthe cut-off end of a sentence from before. Mr. Barroso met J. Delors "
                + "on the 20. May in Brussels. Is this the question we should be asking here?   A paragraph "
                + "without its final stop   \u201CQuoted sentences count as well,\u201D he said to the House. "
                + "Too short. And this one is cut off in the mid";
        var sentences = new ArrayList<String>();

        TextDataset.splitDocument(line, sentences);

        assertThat(sentences).containsExactly(
                "Mr. Barroso met J. Delors on the 20. May in Brussels.",
                "Is this the question we should be asking here?",
                "\u201CQuoted sentences count as well,\u201D he said to the House.");
    }

    @Test
    void refusesMoreSentencesThanTheCorpusHoldsAndSaysHowManyExist(@TempDir Path cache) {
        assertThatThrownBy(() -> TextDataset.load(1_000_000, 10, cache))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("%,d data sentences".formatted(corpus.data().size()));
    }

    @Test
    void cachesTheVectorsAndReadsThemBackUntilTheFileIsDamaged(@TempDir Path cache) throws IOException {
        Dataset embedded = TextDataset.load(24, 6, cache);
        Dataset reread = TextDataset.load(24, 6, cache);

        assertThat(embedded.name()).isEqualTo("europarl-minilm");
        assertThat(embedded.size()).isEqualTo(24);
        assertThat(embedded.queries()).hasNumberOfRows(6);
        assertThat(reread.vectors()).isDeepEqualTo(embedded.vectors());
        assertThat(reread.queries()).isDeepEqualTo(embedded.queries());
        List<Path> files;
        try (var listing = Files.list(cache)) {
            files = listing.toList();
        }
        assertThat(files).singleElement().satisfies(file -> assertThat(file.toString()).endsWith(".bin"));

        // A truncated file is a cache miss, not a short data set.
        Path file = files.getFirst();
        long size = Files.size(file);
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), (int) size - 100));
        Dataset recomputed = TextDataset.load(24, 6, cache);

        assertThat(recomputed.vectors()).isDeepEqualTo(embedded.vectors());
        assertThat(Files.size(file)).as("rewritten whole").isEqualTo(size);
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedSentencesOnTheUnitSphere() {
        List<String> texts = List.of(
                "The committee approved the budget for next year.",
                "Next year's budget was approved by the committee.",
                "Fishing quotas in the North Sea must be reduced.",
                "We have to cut the amount of fish caught in the North Sea.",
                "The minister resigned after the scandal.",
                "Following the scandal, the minister stepped down.",
                "Parliament will vote on the directive tomorrow.",
                "Tomorrow the directive will be put to a vote in Parliament.");

        float[][] vectors = TextDataset.embed(texts, "test");

        for (float[] vector : vectors) {
            assertThat(vector).hasSize(384);
            assertThat(VectorUtil.dotProduct(vector, vector)).isCloseTo(1f, offset(1e-4f));
        }
        for (int pair = 0; pair < texts.size(); pair += 2) {
            float paraphrase = VectorUtil.cosine(vectors[pair], vectors[pair + 1]);
            for (int other = 0; other < texts.size(); other++) {
                if (other / 2 != pair / 2) {
                    assertThat(paraphrase).as("%s vs %s", texts.get(pair), texts.get(other))
                            .isGreaterThan(VectorUtil.cosine(vectors[pair], vectors[other]));
                }
            }
        }
    }
}
