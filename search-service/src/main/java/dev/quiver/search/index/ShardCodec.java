package dev.quiver.search.index;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.Quantization;
import java.io.IOException;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * Lucene's default codec, except that the {@link FieldNames#VECTOR} field gets an HNSW graph built with the
 * collection's {@code max_neighbors} (Lucene {@code maxConn}) and {@code ef_construction} (Lucene
 * {@code beamWidth}), stores the vectors it searches as the collection's {@link Quantization} asks, and accepts up
 * to {@link #MAX_DIMENSIONS} dimensions instead of Lucene's 1024.
 *
 * <p>{@link Quantization#INT8} uses Lucene's {@link Lucene104HnswScalarQuantizedVectorsFormat} with 8 bits per
 * dimension ({@link ScalarEncoding#UNSIGNED_BYTE}). It is the only scalar-quantized HNSW format in Lucene 10.6's
 * core (the older {@code Lucene99HnswScalarQuantizedVectorsFormat} lives on in backward-codecs, to read old
 * indexes), and the better one: its optimized scalar quantization centres each segment's vectors on their mean
 * and fits each vector its own interval, minimising that vector's error, where the older format clipped all
 * vectors to one pair of segment-wide quantiles. Per vector it stores one byte per dimension plus 16 bytes of
 * corrective terms ({@code .veq}) and keeps the float vectors beside them ({@code .vec}): the graph search reads
 * only the quantized ones and the graph ({@code .vex}), about 820 of 3072 float bytes at 768 dimensions; the
 * float ones serve the rescoring of a query's candidates (see {@link ShardIndex#query}) and reads of embeddings.
 * Lucene names the format {@value Lucene104HnswScalarQuantizedVectorsFormat#NAME} in segment metadata, an odd
 * name but the one SPI finds it by. Of its encodings, 8 bits loses the least recall at one byte per dimension:
 * on 100,000 clustered 768-dimensional vectors, recall@10 before rescoring was 0.947 with 8 bits, 0.902 with 7
 * bits (the same memory, made for cheaper integer dot products) and 0.446 with 4 bits (half the memory, but it
 * needs ef_search 200 to rescore its way back to 0.99, where 8 bits needs 20).
 *
 * <p>Both this codec and its vectors format carry the names of the Lucene classes they wrap, so the segments they
 * write are plain Lucene segments: a reader (and a merge that reads old segments) loads the stock codec and format
 * through SPI, and neither needs the graph parameters, which only matter while building a graph. Only the writer
 * must be configured with this codec, so that flushes and merges build graphs with the collection's settings.
 *
 * <p>A merge of the vector field builds the merged graph on the merge thread alone. Lucene can spread that work
 * over several workers, but its concurrent merge inserts vectors into the kept graph while other workers are still
 * linking theirs, and the graph comes out measurably worse: on 300,000 clustered 128-dimensional vectors flushed
 * in 10,000-vector segments and merged with the shard's merge policy, recall@10 at ef_search 160 / 640 was
 * 0.876 / 0.940 with two workers and 0.936 / 0.998 with one, for 10 % more build time (plain Lucene 10.6, M 16,
 * beam 100). A shard merges generation after generation, so the loss compounded: 0.752 / 0.846 at 1,000,000. A
 * recall point lost in the graph costs a larger ef_search on every query for the life of the segment; a slower
 * merge costs once, in the background, and shards merge in parallel with each other.
 *
 * <p>Thread-safe, as Lucene requires of codecs.
 */
final class ShardCodec extends FilterCodec {

    /**
     * Widest vector accepted. Lucene's HNSW format stops at 1024; Chroma has no limit and common embedding models
     * produce 1536 or 3072 dimensions. The flat vector storage and the graph have no dimension limit of their own.
     */
    static final int MAX_DIMENSIONS = dev.quiver.search.api.RecordStore.MAX_DIMENSION;

    private final KnnVectorsFormat vectorsFormat;

    /**
     * @param quantization how the vector field stores the vectors the graph search reads
     * @param maxConn   links per node (Chroma {@code max_neighbors}), in [1, 512]
     * @param beamWidth candidates per insertion (Chroma {@code ef_construction}); values above Lucene's maximum of
     *                  {@value Lucene99HnswVectorsFormat#MAXIMUM_BEAM_WIDTH} are capped, since Lucene rejects them
     *                  and a wider beam than that buys no measurable recall
     */
    ShardCodec(Quantization quantization, int maxConn, int beamWidth) {
        super(Codec.getDefault().getName(), Codec.getDefault());
        requireNonNull(quantization, "quantization is null");
        int cappedBeamWidth = Math.min(beamWidth, Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH);
        KnnVectorsFormat graph = new WideVectorsFormat(switch (quantization) {
            case NONE -> new Lucene99HnswVectorsFormat(maxConn, cappedBeamWidth);
            case INT8 -> new Lucene104HnswScalarQuantizedVectorsFormat(
                    ScalarEncoding.UNSIGNED_BYTE, maxConn, cappedBeamWidth);
        });
        this.vectorsFormat = new VectorFieldFormat(graph, delegate.knnVectorsFormat());
    }

    @Override
    public KnnVectorsFormat knnVectorsFormat() {
        return vectorsFormat;
    }

    /** Routes the vector field to the configured graph format, and any other field to the default one. */
    private static final class VectorFieldFormat extends PerFieldKnnVectorsFormat {

        private final KnnVectorsFormat graph;
        private final KnnVectorsFormat defaults;

        VectorFieldFormat(KnnVectorsFormat graph, KnnVectorsFormat defaults) {
            this.graph = graph;
            this.defaults = defaults;
        }

        @Override
        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            if (FieldNames.VECTOR.equals(field)) {
                return graph;
            }
            return defaults instanceof PerFieldKnnVectorsFormat perField
                    ? perField.getKnnVectorsFormatForField(field)
                    : defaults;
        }
    }

    /**
     * A format that writes and reads exactly like its delegate, under the delegate's name, and only raises the
     * dimension limit that {@code IndexingChain} checks before indexing a vector.
     */
    private static final class WideVectorsFormat extends KnnVectorsFormat {

        private final KnnVectorsFormat delegate;

        WideVectorsFormat(KnnVectorsFormat delegate) {
            super(delegate.getName());
            this.delegate = delegate;
        }

        @Override
        public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
            return delegate.fieldsWriter(state);
        }

        @Override
        public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
            return delegate.fieldsReader(state);
        }

        @Override
        public int getMaxDimensions(String fieldName) {
            return MAX_DIMENSIONS;
        }

        @Override
        public String toString() {
            return delegate + "(maxDimensions=" + MAX_DIMENSIONS + ")";
        }
    }
}
