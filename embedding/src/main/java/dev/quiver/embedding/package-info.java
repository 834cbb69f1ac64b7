/**
 * Server-side embedding functions: the text models a collection may name in Chroma's {@code embedding_function}
 * configuration, run in process, so that records added with documents and no embeddings, and queries by text, are
 * embedded on the server. The only module that loads ONNX Runtime or DJL.
 */
@NullMarked
@ApplicationModule(allowedDependencies = {"common"})
package dev.quiver.embedding;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
