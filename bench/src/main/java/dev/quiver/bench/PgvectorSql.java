package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * The SQL that {@link PgvectorEngine} sends, and the conversions between the benchmark's values and pgvector's:
 * vector literals and distances. Kept apart from the engine so they are tested without a server.
 *
 * <p>pgvector's operators differ from Chroma's distances ({@link Space#distance}) in two spaces: {@code <->} is
 * the Euclidean distance, not its square, and {@code <#>} is the negative inner product, where Chroma's ip distance
 * is {@code 1 - dot}. {@code <=>} is {@code 1 - cos}, as in Chroma. Each statement names the operator of its space
 * so the HNSW index built with the matching operator class serves it.
 *
 * <p>Only numbers the benchmark itself makes ({@code k}, a filter's bucket bound, graph parameters) are written into
 * the SQL text; vectors and ids are bound parameters. Stateless; thread-safe.
 */
final class PgvectorSql {

    /** Name of the one table; a cluster serves one collection per run (see {@link Engine}). */
    static final String TABLE = "items";

    static final String CREATE_TABLE = """
            CREATE TABLE items (
                id int PRIMARY KEY,
                bucket int NOT NULL,
                embedding vector(%d) NOT NULL
            )""";

    static final String CREATE_BUCKET_INDEX = "CREATE INDEX items_bucket_idx ON items (bucket)";

    static final String COUNT = "SELECT count(*) FROM items";

    static final String VERSION = """
            SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector'),
                   split_part(current_setting('server_version'), ' ', 1)""";

    /**
     * The wire protocol counts a statement's bind parameters in 16 bits; at three per row, 10,000 rows stay well
     * within it.
     */
    static final int MAX_ROWS_PER_INSERT = 10_000;

    /** pgvector rejects a larger {@code hnsw.ef_search}. */
    static final int MAX_EF_SEARCH = 1000;

    private PgvectorSql() {
    }

    /** The table for vectors of {@code dim} components. */
    static String createTable(int dim) {
        return CREATE_TABLE.formatted(dim);
    }

    /** The HNSW index over the embeddings, with the operator class of the space and the run's graph parameters. */
    static String createHnswIndex(IndexSpec spec) {
        return """
                CREATE INDEX items_embedding_idx ON items USING hnsw (embedding %s) \
                WITH (m = %d, ef_construction = %d)""".formatted(
                operatorClass(spec.space()), spec.maxNeighbors(), spec.efConstruction());
    }

    /** One multi-row INSERT of {@code rows} records, bound as (id, bucket, vector literal) triples. */
    static String insert(int rows) {
        if (rows < 1 || rows > MAX_ROWS_PER_INSERT) {
            throw new IllegalArgumentException("rows must be in [1, " + MAX_ROWS_PER_INSERT + "]: " + rows);
        }
        var sql = new StringBuilder(48 + rows * 25).append("INSERT INTO items (id, bucket, embedding) VALUES ");
        for (int row = 0; row < rows; row++) {
            sql.append(row == 0 ? "" : ", ").append("(?, ?, CAST(? AS vector))");
        }
        return sql.toString();
    }

    /**
     * The k-NN query for one bound vector literal. The distance is computed once, in the select list, and the
     * ORDER BY names it, which the planner matches to the index's ordering operator (checked with EXPLAIN in
     * {@code PgvectorEngineIT}). {@code k} and the filter bound are literals so every execution gets the plan of
     * their actual selectivity rather than a generic plan that guesses it.
     */
    static String search(Space space, int k, @Nullable Filter filter) {
        requireNonNull(space, "space is null");
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
        return "SELECT id, embedding %s CAST(? AS vector) AS distance FROM items%s ORDER BY distance LIMIT %d"
                .formatted(operator(space), filter == null ? "" : " WHERE bucket < " + filter.bucketsBelow(), k);
    }

    /** Sets the HNSW search beam of the session. */
    static String setEfSearch(int ef) {
        if (ef < 1 || ef > MAX_EF_SEARCH) {
            throw new IllegalArgumentException("pgvector's hnsw.ef_search must be in [1, 1000]: " + ef);
        }
        return "SET hnsw.ef_search = " + ef;
    }

    /** pgvector's ordering operator for the space. */
    static String operator(Space space) {
        return switch (space) {
            case L2 -> "<->";
            case COSINE -> "<=>";
            case IP -> "<#>";
        };
    }

    /** The operator class whose index serves {@link #operator}. */
    static String operatorClass(Space space) {
        return switch (space) {
            case L2 -> "vector_l2_ops";
            case COSINE -> "vector_cosine_ops";
            case IP -> "vector_ip_ops";
        };
    }

    /** Converts what {@link #operator} returns into the distance Chroma reports ({@link Space#distance}). */
    static float chromaDistance(Space space, double pgvectorDistance) {
        return switch (space) {
            // <-> is the Euclidean distance; Chroma's l2 is its square.
            case L2 -> (float) (pgvectorDistance * pgvectorDistance);
            // <=> is already 1 - cos.
            case COSINE -> (float) pgvectorDistance;
            // <#> is -dot; Chroma's ip is 1 - dot.
            case IP -> (float) (1 + pgvectorDistance);
        };
    }

    /**
     * pgvector's text form, {@code [1.0,-2.5,1.0E-5]}. {@link Float#toString} prints the shortest decimal that reads
     * back as the same float, and pgvector reads it with strtof, so the server stores exactly our vector.
     */
    static String vectorLiteral(float[] vector) {
        var literal = new StringBuilder(vector.length * 12 + 2).append('[');
        for (int i = 0; i < vector.length; i++) {
            float component = vector[i];
            if (!Float.isFinite(component)) {
                throw new IllegalArgumentException("pgvector stores finite numbers only: component " + i + " is "
                        + component);
            }
            if (i > 0) {
                literal.append(',');
            }
            literal.append(component);
        }
        return literal.append(']').toString();
    }
}
