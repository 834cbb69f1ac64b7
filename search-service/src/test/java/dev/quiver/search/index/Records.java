package dev.quiver.search.index;

import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.Quantization;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;
import org.jspecify.annotations.Nullable;

/**
 * Builders for test records, batches and shards, so each test states only what it is about.
 */
final class Records {

    private Records() {
    }

    static ShardIndex open(Path directory, Metric metric) {
        return ShardIndex.open(directory, configuration(metric));
    }

    static ShardIndex open(Path directory, Metric metric, Quantization quantization) {
        return ShardIndex.open(directory, configuration(metric, quantization));
    }

    static HnswConfiguration configuration(Metric metric) {
        return configuration(metric, Quantization.NONE);
    }

    static HnswConfiguration configuration(Metric metric, Quantization quantization) {
        HnswConfiguration defaults = HnswConfiguration.DEFAULT;
        return new HnswConfiguration(metric, defaults.constructionEf(), defaults.searchEf(), defaults.maxNeighbors(),
                defaults.resizeFactor(), defaults.syncThreshold(), quantization);
    }

    static float[] vector(float... values) {
        return values;
    }

    static RecordWrite record(String id, float @Nullable [] embedding) {
        return new RecordWrite(id, embedding, null, null, null);
    }

    static RecordWrite record(
            String id, float @Nullable [] embedding, @Nullable String document,
            @Nullable Map<String, MetadataValue> metadata, @Nullable String uri) {
        return new RecordWrite(id, embedding, document, metadata, uri);
    }

    static WriteBatch add(RecordWrite... records) {
        return new WriteBatch(WriteBatch.Operation.ADD, List.of(records));
    }

    static WriteBatch upsert(RecordWrite... records) {
        return new WriteBatch(WriteBatch.Operation.UPSERT, List.of(records));
    }

    static WriteBatch update(RecordWrite... records) {
        return new WriteBatch(WriteBatch.Operation.UPDATE, List.of(records));
    }

    static WriteBatch delete(String... ids) {
        List<RecordWrite> records = new ArrayList<>(ids.length);
        for (String id : ids) {
            records.add(new RecordWrite(id, null, null, null, null));
        }
        return new WriteBatch(WriteBatch.Operation.DELETE, records);
    }

    /**
     * Metadata from alternating keys and plain Java values: String, Integer/Long (int), Double (float), Boolean,
     * List of one of those (array), or null ({@link MetadataValue.Null}). Key order is kept.
     */
    static Map<String, MetadataValue> metadata(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up: " + keysAndValues.length);
        }
        Map<String, MetadataValue> metadata = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            metadata.put((String) keysAndValues[i], value(keysAndValues[i + 1]));
        }
        return metadata;
    }

    static MetadataValue value(@Nullable Object value) {
        return switch (value) {
            case null -> new MetadataValue.Null();
            case String string -> new MetadataValue.StringValue(string);
            case Integer integer -> new MetadataValue.IntValue(integer);
            case Long integer -> new MetadataValue.IntValue(integer);
            case Double number -> new MetadataValue.FloatValue(number);
            case Boolean bool -> new MetadataValue.BoolValue(bool);
            case List<?> list -> array(list);
            default -> throw new IllegalArgumentException("no metadata type for " + value.getClass());
        };
    }

    private static MetadataValue array(List<?> list) {
        if (list.isEmpty()) {
            return new MetadataValue.StringArray(List.of());
        }
        Object first = list.getFirst();
        if (first instanceof String) {
            List<String> values = new ArrayList<>();
            for (Object element : list) {
                values.add((String) element);
            }
            return new MetadataValue.StringArray(values);
        }
        if (first instanceof Integer || first instanceof Long) {
            List<Long> values = new ArrayList<>();
            for (Object element : list) {
                values.add(((Number) element).longValue());
            }
            return new MetadataValue.IntArray(values);
        }
        if (first instanceof Double) {
            List<Double> values = new ArrayList<>();
            for (Object element : list) {
                values.add((Double) element);
            }
            return new MetadataValue.FloatArray(values);
        }
        List<Boolean> values = new ArrayList<>();
        for (Object element : list) {
            values.add((Boolean) element);
        }
        return new MetadataValue.BoolArray(values);
    }

    /**
     * Vectors of a Gaussian mixture, from a fixed seed: each is one of the centres, picked uniformly, plus
     * independent normal noise of standard deviation {@code spread} in every component. Clustered data, unlike
     * uniform vectors, has near neighbours that are much nearer than the rest, as embeddings do.
     */
    static float[][] clusteredVectors(long seed, int count, float[][] centres, float spread) {
        Random random = new Random(seed);
        int dimension = centres[0].length;
        float[][] vectors = new float[count][dimension];
        for (float[] vector : vectors) {
            float[] centre = centres[random.nextInt(centres.length)];
            for (int i = 0; i < dimension; i++) {
                vector[i] = centre[i] + spread * (float) random.nextGaussian();
            }
        }
        return vectors;
    }

    /** Uniform random vectors in [-1, 1), from a fixed seed. */
    static float[][] randomVectors(long seed, int count, int dimension) {
        Random random = new Random(seed);
        float[][] vectors = new float[count][dimension];
        for (float[] vector : vectors) {
            for (int i = 0; i < dimension; i++) {
                vector[i] = random.nextFloat() * 2f - 1f;
            }
        }
        return vectors;
    }

    /** The ids ({@code "v" + index}) of the k nearest vectors, by exact similarity from VectorUtil; ties by index. */
    static List<String> bruteForce(Metric metric, float[][] vectors, float[] query, int k, Set<String> excluded) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < vectors.length; i++) {
            if (!excluded.contains("v" + i)) {
                order.add(i);
            }
        }
        order.sort((a, b) -> {
            int bySimilarity = Float.compare(
                    rawSimilarity(metric, query, vectors[b]), rawSimilarity(metric, query, vectors[a]));
            return bySimilarity != 0 ? bySimilarity : Integer.compare(a, b);
        });
        List<String> ids = new ArrayList<>(k);
        for (int i = 0; i < Math.min(k, order.size()); i++) {
            ids.add("v" + order.get(i));
        }
        return ids;
    }

    /**
     * The score a hit must report: Lucene's similarity of the metric on the caller's vectors, for cosine on their
     * unit-length copies (as Chroma scores them).
     */
    static float similarity(Metric metric, float[] query, float[] stored) {
        return switch (metric) {
            case L2 -> VectorSimilarityFunction.EUCLIDEAN.compare(query, stored);
            case IP -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT.compare(query, stored);
            case COSINE -> VectorSimilarityFunction.DOT_PRODUCT.compare(
                    VectorUtil.l2normalize(query.clone(), false), VectorUtil.l2normalize(stored.clone(), false));
        };
    }

    /** Higher is closer; monotonic in Chroma's distance for each metric. */
    private static float rawSimilarity(Metric metric, float[] a, float[] b) {
        return switch (metric) {
            case L2 -> -VectorUtil.squareDistance(a, b);
            case IP -> VectorUtil.dotProduct(a, b);
            case COSINE -> VectorUtil.cosine(a, b);
        };
    }
}
