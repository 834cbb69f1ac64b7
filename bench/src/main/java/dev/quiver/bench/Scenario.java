package dev.quiver.bench;

import java.util.Locale;

/**
 * The named benchmark scenarios: which data, how much of it, and in which space. Every scenario runs every system
 * selected with {@code --systems}; flags override the sizes.
 */
enum Scenario {
    /** Issue #3's first benchmark: uniform random vectors, the hardest case for HNSW. */
    QUICKSTART("quickstart", Data.UNIFORM, 100_000, 128, Space.L2),
    /** The target scenario: a million 128-d vectors from a Gaussian mixture. */
    CLUSTERED_128("clustered-128", Data.GAUSSIAN, 1_000_000, 128, Space.L2),
    /** Wide embeddings, where memory per vector matters most (and int8 quantization pays). */
    CLUSTERED_768("clustered-768", Data.GAUSSIAN, 100_000, 768, Space.COSINE),
    /** Real sentences embedded with all-MiniLM-L6-v2, Chroma's default model. */
    TEXT_MINILM("text-minilm", Data.TEXT, 100_000, 384, Space.COSINE);

    /** Where the vectors come from. */
    enum Data { UNIFORM, GAUSSIAN, TEXT }

    private final String wireName;
    private final Data data;
    private final int defaultVectors;
    private final int defaultDim;
    private final Space defaultSpace;

    Scenario(String wireName, Data data, int defaultVectors, int defaultDim, Space defaultSpace) {
        this.wireName = wireName;
        this.data = data;
        this.defaultVectors = defaultVectors;
        this.defaultDim = defaultDim;
        this.defaultSpace = defaultSpace;
    }

    String wireName() {
        return wireName;
    }

    Data data() {
        return data;
    }

    int defaultVectors() {
        return defaultVectors;
    }

    int defaultDim() {
        return defaultDim;
    }

    Space defaultSpace() {
        return defaultSpace;
    }

    static Scenario fromWireName(String name) {
        for (Scenario scenario : values()) {
            if (scenario.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                return scenario;
            }
        }
        throw new IllegalArgumentException("unknown scenario " + name + "; expected one of "
                + java.util.Arrays.stream(values()).map(Scenario::wireName).toList());
    }
}
