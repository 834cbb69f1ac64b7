package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.apache.lucene.util.VectorUtil;
import org.junit.jupiter.api.Test;

class PgvectorSqlTests {

    @Test
    void vectorLiteralReadsBackAsExactlyTheSameFloats() {
        var vector = new float[] {1f, -2.5f, 1.0e-5f, 0.1f, Float.MIN_VALUE, -Float.MAX_VALUE, 1f / 3};

        String literal = PgvectorSql.vectorLiteral(vector);

        assertThat(literal).startsWith("[").endsWith("]").doesNotContain(" ");
        String[] components = literal.substring(1, literal.length() - 1).split(",");
        var parsed = new float[components.length];
        for (int i = 0; i < components.length; i++) {
            parsed[i] = Float.parseFloat(components[i]);
        }
        assertThat(parsed).containsExactly(vector);
    }

    @Test
    void vectorLiteralUsesPgvectorsBracketedForm() {
        assertThat(PgvectorSql.vectorLiteral(new float[] {1f, -2.5f, 0f})).isEqualTo("[1.0,-2.5,0.0]");
    }

    @Test
    void rejectsComponentsPgvectorCannotStore() {
        assertThatIllegalArgumentException().isThrownBy(() -> PgvectorSql.vectorLiteral(new float[] {1f, Float.NaN}))
                .withMessageContaining("component 1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PgvectorSql.vectorLiteral(new float[] {Float.POSITIVE_INFINITY}));
    }

    @Test
    void l2DistanceIsTheSquareOfPgvectorsEuclideanDistance() {
        float[] a = {1f, 2f, 3f};
        float[] b = {-1f, 0.5f, 4f};
        double euclidean = Math.sqrt(VectorUtil.squareDistance(a, b));

        assertThat(PgvectorSql.chromaDistance(Space.L2, euclidean)).isCloseTo(Space.L2.distance(a, b), within(1e-6f));
    }

    @Test
    void cosineDistanceIsPgvectorsCosineDistanceUnchanged() {
        float[] a = {1f, 2f, 3f};
        float[] b = {-1f, 0.5f, 4f};
        double pgvectorCosineDistance = 1 - VectorUtil.cosine(a, b);

        assertThat(PgvectorSql.chromaDistance(Space.COSINE, pgvectorCosineDistance))
                .isCloseTo(Space.COSINE.distance(a, b), within(1e-6f));
    }

    @Test
    void ipDistanceIsOnePlusPgvectorsNegativeInnerProduct() {
        float[] a = {0.6f, 0.8f, 0f};
        float[] b = {0.8f, 0.6f, 0f};
        double negativeInnerProduct = -VectorUtil.dotProduct(a, b);

        assertThat(PgvectorSql.chromaDistance(Space.IP, negativeInnerProduct))
                .isCloseTo(Space.IP.distance(a, b), within(1e-6f));
    }

    @Test
    void searchOrdersByTheOperatorOfEachSpace() {
        assertThat(PgvectorSql.search(Space.L2, 10, null)).isEqualTo(
                "SELECT id, embedding <-> CAST(? AS vector) AS distance FROM items ORDER BY distance LIMIT 10");
        assertThat(PgvectorSql.search(Space.COSINE, 5, null)).contains("embedding <=> CAST(? AS vector)")
                .endsWith("LIMIT 5");
        assertThat(PgvectorSql.search(Space.IP, 5, null)).contains("embedding <#> CAST(? AS vector)");
    }

    @Test
    void filteredSearchKeepsTheBucketsBelowTheBound() {
        assertThat(PgvectorSql.search(Space.L2, 10, Filter.percent(1))).isEqualTo("SELECT id, embedding <-> "
                + "CAST(? AS vector) AS distance FROM items WHERE bucket < 1 ORDER BY distance LIMIT 10");
    }

    @Test
    void hnswIndexUsesTheOperatorClassOfTheSpaceAndTheGraphParameters() {
        var spec = new IndexSpec(128, Space.COSINE, 16, 100, IndexSpec.Quantization.NONE);

        assertThat(PgvectorSql.createHnswIndex(spec)).isEqualTo("CREATE INDEX items_embedding_idx ON items "
                + "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 100)");
        assertThat(Arrays.stream(Space.values()).map(PgvectorSql::operatorClass))
                .containsExactly("vector_l2_ops", "vector_cosine_ops", "vector_ip_ops");
    }

    @Test
    void insertBindsThreeParametersPerRow() {
        String insert = PgvectorSql.insert(3);

        assertThat(insert).isEqualTo("INSERT INTO items (id, bucket, embedding) VALUES "
                + "(?, ?, CAST(? AS vector)), (?, ?, CAST(? AS vector)), (?, ?, CAST(? AS vector))");
        assertThat(PgvectorSql.insert(PgvectorSql.MAX_ROWS_PER_INSERT).chars().filter(c -> c == '?').count())
                .isEqualTo(3L * PgvectorSql.MAX_ROWS_PER_INSERT);
        assertThatIllegalArgumentException().isThrownBy(() -> PgvectorSql.insert(PgvectorSql.MAX_ROWS_PER_INSERT + 1));
    }

    @Test
    void efSearchAboveWhatPgvectorAcceptsIsRejected() {
        assertThat(PgvectorSql.setEfSearch(1000)).isEqualTo("SET hnsw.ef_search = 1000");
        assertThatIllegalArgumentException().isThrownBy(() -> PgvectorSql.setEfSearch(1001))
                .withMessageContaining("1001");
        assertThatIllegalArgumentException().isThrownBy(() -> PgvectorSql.setEfSearch(0));
    }

    @Test
    void aSweepPastPgvectorsWidestBeamRunsAtIt() {
        var engine = new PgvectorEngine();

        engine.efSearch(1280);

        assertThat(engine.appliedEfSearch()).isEqualTo(PgvectorSql.MAX_EF_SEARCH);
        engine.efSearch(640);
        assertThat(engine.appliedEfSearch()).isEqualTo(640);
        assertThatIllegalArgumentException().isThrownBy(() -> engine.efSearch(0));
    }

    @Test
    void int8AndVeryWideVectorsAreReportedUnsupported() {
        var engine = new PgvectorEngine();

        assertThat(engine.findUnsupportedReason(new IndexSpec(128, Space.L2, 16, 100, IndexSpec.Quantization.INT8)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("int8"));
        assertThat(engine.findUnsupportedReason(new IndexSpec(4096, Space.L2, 16, 100, IndexSpec.Quantization.NONE)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("2,000"));
        assertThat(engine.findUnsupportedReason(new IndexSpec(128, Space.IP, 16, 100, IndexSpec.Quantization.NONE)))
                .isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> engine.create(
                new IndexSpec(128, Space.L2, 16, 100, IndexSpec.Quantization.INT8))).withMessageContaining("int8");
    }
}
