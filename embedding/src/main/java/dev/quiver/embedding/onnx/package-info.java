/**
 * Sentence embeddings with ONNX Runtime and DJL's Hugging Face tokenizer: tokenising, batching, mean pooling and
 * normalisation as sentence-transformers does them, on a bounded pool of platform threads.
 */
@NullMarked
package dev.quiver.embedding.onnx;

import org.jspecify.annotations.NullMarked;
