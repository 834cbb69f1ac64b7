package dev.quiver.server;

import dev.quiver.QuiverApplication;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Runs {@code compat/chromadb-js/test/embeddings.test.mjs} against a Quiver in this JVM: the official client adds
 * documents without embeddings and queries them by text with Chroma's own default function
 * ({@code @chroma-core/default-embed}), and Quiver embeds documents sent alone and {@code query_texts} into the same
 * vectors. The client's function would download all-MiniLM-L6-v2 from the Hugging Face hub; it gets the very files
 * Quiver runs instead, copied out of the jar that ships them.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChromaJsEmbeddingIT extends StandaloneContext {

    @LocalServerPort
    int port;

    @Test
    void officialChromaJsClientEmbedsAsTheServerDoes() throws Exception {
        Path model = Path.of("target", "minilm").toAbsolutePath();
        Files.createDirectories(model);
        copy("/all-minilm-l6-v2.onnx", model.resolve("model.onnx"));
        copy("/all-minilm-l6-v2-tokenizer.json", model.resolve("tokenizer.json"));
        NodeSuite.assertPasses(List.of("node", "--test", "--test-timeout=120000", "test/embeddings.test.mjs"),
                port, Map.of("QUIVER_EMBEDDING", "1", "MINILM_DIR", model.toString()), "chromadb-js-embeddings.log");
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = ChromaJsEmbeddingIT.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
