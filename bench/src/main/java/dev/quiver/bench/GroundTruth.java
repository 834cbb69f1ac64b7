package dev.quiver.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * The exact k nearest records of every query, by brute force over the whole data set, and recall against them.
 *
 * <p>Computing it costs {@code queries × vectors} distances (1.28·10⁹ multiply-adds for the quickstart), so the
 * result is cached in a file whose name holds every parameter that changes it; a rerun with the same data reads it
 * back in milliseconds. Immutable; thread-safe.
 *
 * @param neighbors {@code neighbors[q]} holds the k nearest record indexes of query q, nearest first
 */
record GroundTruth(int[][] neighbors) {

    private static final int FILE_MAGIC = 0x51475431; // "QGT1"

    /** Returns the cached answer for these parameters, computing and caching it first when absent. */
    static GroundTruth load(Dataset dataset, Space space, int k, @Nullable Filter filter, long seed, Path cacheDir) {
        String key = "gen%d-%s-%s-n%d-d%d-q%d-s%d-k%d-f%d".formatted(Dataset.GENERATOR_VERSION, dataset.name(),
                space.wireName(), dataset.vectors().length, dataset.dim(), dataset.queries().length, seed, k,
                filter == null ? Dataset.BUCKETS : filter.bucketsBelow());
        Path file = cacheDir.resolve("ground-truth-" + key + ".bin");
        if (Files.isReadable(file)) {
            GroundTruth cached = read(file, key, dataset.queries().length, k);
            if (cached != null) {
                System.out.println("[bench] exact neighbours read from " + file);
                return cached;
            }
        }
        GroundTruth computed = compute(dataset, space, k, filter);
        write(file, key, computed, k);
        System.out.println("[bench] exact neighbours computed and cached in " + file);
        return computed;
    }

    /**
     * Exact search on platform threads, one per core: this is CPU-bound work, and each worker owns its scratch so
     * the inner loop allocates nothing.
     */
    static GroundTruth compute(Dataset dataset, Space space, int k, @Nullable Filter filter) {
        float[][] vectors = dataset.vectors();
        float[][] queries = dataset.queries();
        var kept = new boolean[vectors.length];
        int keptCount = 0;
        for (int i = 0; i < kept.length; i++) {
            kept[i] = filter == null || filter.accepts(i);
            keptCount += kept[i] ? 1 : 0;
        }
        if (k > keptCount) {
            throw new IllegalArgumentException("k must not exceed the number of records the filter keeps: " + k
                    + " > " + keptCount);
        }
        var neighbors = new int[queries.length][];
        int workers = Math.min(Runtime.getRuntime().availableProcessors(), queries.length);
        try (var pool = Executors.newFixedThreadPool(workers)) {
            var futures = new ArrayList<Future<?>>();
            for (int worker = 0; worker < workers; worker++) {
                int first = worker;
                futures.add(pool.submit(() -> {
                    var top = new TopK(k);
                    // Strided assignment balances the work without a shared counter.
                    for (int q = first; q < queries.length; q += workers) {
                        top.clear();
                        float[] query = queries[q];
                        for (int i = 0; i < vectors.length; i++) {
                            if (kept[i]) {
                                top.offer(i, space.distance(query, vectors[i]));
                            }
                        }
                        neighbors[q] = top.sortedIndexes();
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing exact neighbours", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("exact search failed", e.getCause());
        }
        return new GroundTruth(neighbors);
    }

    /**
     * Recall@k of one answer: the share of the exact k nearest that the server returned. Ids the benchmark never
     * wrote simply do not match.
     */
    double recall(int query, int[] returned) {
        int[] exact = neighbors[query];
        int found = 0;
        for (int candidate : returned) {
            for (int expected : exact) {
                if (candidate == expected) {
                    found++;
                    break;
                }
            }
        }
        return (double) found / exact.length;
    }

    private static @Nullable GroundTruth read(Path file, String key, int queries, int k) {
        try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != FILE_MAGIC || !in.readUTF().equals(key)
                    || in.readInt() != queries || in.readInt() != k) {
                return null;
            }
            var neighbors = new int[queries][k];
            for (int[] row : neighbors) {
                for (int j = 0; j < k; j++) {
                    row[j] = in.readInt();
                }
            }
            return new GroundTruth(neighbors);
        } catch (IOException e) {
            // A truncated or foreign file is only a cache miss.
            return null;
        }
    }

    private static void write(Path file, String key, GroundTruth truth, int k) {
        try {
            Files.createDirectories(file.getParent());
            // Write then rename, so an interrupted run never leaves a half file that a later run would trust.
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)))) {
                out.writeInt(FILE_MAGIC);
                out.writeUTF(key);
                out.writeInt(truth.neighbors.length);
                out.writeInt(k);
                for (int[] row : truth.neighbors) {
                    for (int index : row) {
                        out.writeInt(index);
                    }
                }
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write exact-search cache " + file, e);
        }
    }

    /**
     * The k smallest distances seen so far, as a binary max-heap on parallel primitive arrays so the root is the
     * current worst and most candidates are rejected with one comparison. Not thread-safe: one per worker, reused
     * across queries through {@link #clear()}.
     */
    static final class TopK {
        private final int k;
        private final int[] indexes;
        private final float[] distances;
        private int size;

        TopK(int k) {
            if (k <= 0) {
                throw new IllegalArgumentException("k must be positive: " + k);
            }
            this.k = k;
            this.indexes = new int[k];
            this.distances = new float[k];
        }

        void clear() {
            size = 0;
        }

        void offer(int index, float distance) {
            if (size < k) {
                indexes[size] = index;
                distances[size] = distance;
                siftUp(size++);
            } else if (distance < distances[0]) {
                indexes[0] = index;
                distances[0] = distance;
                siftDown();
            }
        }

        /** Indexes ordered nearest first; consumes the heap. */
        int[] sortedIndexes() {
            var sorted = new int[size];
            // Repeatedly move the worst element to the end: heap sort, ascending distance.
            while (size > 0) {
                sorted[size - 1] = indexes[0];
                size--;
                indexes[0] = indexes[size];
                distances[0] = distances[size];
                siftDown();
            }
            return sorted;
        }

        private void siftUp(int position) {
            while (position > 0) {
                int parent = (position - 1) >>> 1;
                if (distances[parent] >= distances[position]) {
                    return;
                }
                swap(parent, position);
                position = parent;
            }
        }

        private void siftDown() {
            int position = 0;
            while (true) {
                int largest = position;
                int left = 2 * position + 1;
                int right = left + 1;
                if (left < size && distances[left] > distances[largest]) {
                    largest = left;
                }
                if (right < size && distances[right] > distances[largest]) {
                    largest = right;
                }
                if (largest == position) {
                    return;
                }
                swap(position, largest);
                position = largest;
            }
        }

        private void swap(int a, int b) {
            int index = indexes[a];
            indexes[a] = indexes[b];
            indexes[b] = index;
            float distance = distances[a];
            distances[a] = distances[b];
            distances[b] = distance;
        }
    }
}
