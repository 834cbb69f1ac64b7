package dev.quiver.embedding.onnx;

import static java.util.Objects.requireNonNull;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A BERT sentence encoder as sentence-transformers runs all-MiniLM-L6-v2: word pieces with {@code [CLS]} and
 * {@code [SEP]}, cut at {@link #maxTokens()} (sentence-transformers' {@code max_seq_length}, 256 for this model), the
 * transformer's last hidden states mean-pooled over the attention mask, then L2-normalised.
 *
 * <p>One {@link #encode} call is one batch and one ONNX session run: the batch's texts are padded to its longest,
 * and the padding is masked out of the pooling, so a text's vector does not depend on the batch it came in (up to
 * float rounding). Thread-safe: ONNX Runtime's {@code run} and DJL's tokenizer may be called concurrently; each
 * call allocates its own buffers.
 */
final class SentenceEncoder implements AutoCloseable {

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean takesTokenTypes;
    private final int maxTokens;
    private final int dimension;

    /**
     * @param model          the ONNX file's bytes
     * @param tokenizer      the Hugging Face {@code tokenizer.json}; read and closed here
     * @param maxTokens      word pieces kept per text, special tokens included
     * @param dimension      the width of the model's hidden states, which is the vectors' dimension
     * @param intraOpThreads ONNX Runtime threads per run; 1 when several runs go in parallel on a pool
     */
    SentenceEncoder(byte[] model, InputStream tokenizer, int maxTokens, int dimension, int intraOpThreads) {
        requireNonNull(model, "model is null");
        requireNonNull(tokenizer, "tokenizer is null");
        if (maxTokens < 3 || dimension < 1 || intraOpThreads < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 3, dimension and intraOpThreads positive: "
                    + maxTokens + ", " + dimension + ", " + intraOpThreads);
        }
        this.maxTokens = maxTokens;
        this.dimension = dimension;
        this.environment = OrtEnvironment.getEnvironment();
        try (InputStream in = tokenizer; OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // The tokenizer.json shipped with the model pads and truncates to 128, its Hugging Face default; the
            // options replace both with sentence-transformers' cut and no padding (a batch is padded below).
            this.tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of(
                    "addSpecialTokens", "true",
                    "padding", "false",
                    "truncation", "true",
                    "maxLength", Integer.toString(maxTokens)));
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Spinning intra-op threads burn the cores the other pool threads need; they only help a lone caller.
            options.addConfigEntry("session.intra_op.allow_spinning", intraOpThreads > 1 ? "1" : "0");
            this.session = environment.createSession(model, options);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer", e);
        }
        Set<String> inputs = session.getInputNames();
        if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
            throw new IllegalStateException("not a BERT encoder: its inputs are " + inputs);
        }
        this.takesTokenTypes = inputs.contains("token_type_ids");
    }

    /** Word pieces kept per text, {@code [CLS]} and {@code [SEP]} included. */
    int maxTokens() {
        return maxTokens;
    }

    /** The number of word pieces {@code text} becomes, special tokens included and the cut applied. */
    int tokens(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    /**
     * The unit-length vectors of {@code texts}, in order, from one session run.
     *
     * @throws IllegalArgumentException when {@code texts} is empty
     * @throws IllegalStateException    when ONNX Runtime fails
     */
    float[][] encode(List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("texts is empty");
        }
        int batch = texts.size();
        // 1. Tokenise each text on its own, so that none is cut or padded because of another.
        Encoding[] encodings = new Encoding[batch];
        int length = 0;
        for (int i = 0; i < batch; i++) {
            encodings[i] = tokenizer.encode(texts.get(i));
            length = Math.max(length, encodings[i].getIds().length);
        }
        // 2. Pad to the longest with id 0 and mask 0, which is what [PAD] is to this model.
        long[] ids = new long[batch * length];
        long[] mask = new long[batch * length];
        long[] types = new long[batch * length];
        for (int i = 0; i < batch; i++) {
            long[] textIds = encodings[i].getIds();
            long[] textMask = encodings[i].getAttentionMask();
            long[] textTypes = encodings[i].getTypeIds();
            System.arraycopy(textIds, 0, ids, i * length, textIds.length);
            System.arraycopy(textMask, 0, mask, i * length, textMask.length);
            System.arraycopy(textTypes, 0, types, i * length, textTypes.length);
        }
        long[] shape = {batch, length};
        float[] hidden;
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
                OnnxTensor typesTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape)) {
            Map<String, OnnxTensor> inputs = takesTokenTypes
                    ? Map.of("input_ids", idsTensor, "attention_mask", maskTensor, "token_type_ids", typesTensor)
                    : Map.of("input_ids", idsTensor, "attention_mask", maskTensor);
            // 3. The first output is last_hidden_state, [batch, length, dimension].
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor output = (OnnxTensor) result.get(0);
                long[] outputShape = output.getInfo().getShape();
                if (outputShape.length != 3 || outputShape[2] != dimension) {
                    throw new IllegalStateException("the model's first output has shape "
                            + java.util.Arrays.toString(outputShape) + ", not [batch, tokens, " + dimension + "]");
                }
                FloatBuffer buffer = output.getFloatBuffer();
                hidden = new float[buffer.remaining()];
                buffer.get(hidden);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + batch + ": " + e.getMessage(), e);
        }
        // 4. Mean over the tokens the mask keeps, then divide by the L2 norm (sentence-transformers' Pooling and
        //    Normalize modules).
        float[][] vectors = new float[batch][dimension];
        for (int i = 0; i < batch; i++) {
            float[] vector = vectors[i];
            int kept = 0;
            for (int t = 0; t < length; t++) {
                if (mask[i * length + t] == 0) {
                    continue;
                }
                kept++;
                int offset = (i * length + t) * dimension;
                for (int d = 0; d < dimension; d++) {
                    vector[d] += hidden[offset + d];
                }
            }
            double squares = 0;
            for (int d = 0; d < dimension; d++) {
                vector[d] /= Math.max(kept, 1);
                squares += (double) vector[d] * vector[d];
            }
            // sentence-transformers clamps the norm at 1e-12 so that a zero vector stays zero.
            float norm = (float) Math.max(Math.sqrt(squares), 1e-12);
            for (int d = 0; d < dimension; d++) {
                vector[d] /= norm;
            }
        }
        return vectors;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX session: " + e.getMessage(), e);
        } finally {
            tokenizer.close();
        }
    }
}
