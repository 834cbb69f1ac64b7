package dev.quiver.embedding.api;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Chroma's {@code embedding_function} configuration of a collection: {@code {"type": "known", "name": "default",
 * "config": {...}}}, or {@code {"type": "legacy"}} for a client-side function that cannot describe itself.
 *
 * @param type   Chroma's {@code type}: {@code known}, {@code legacy} or {@code unknown}
 * @param name   the function's name, null unless {@code type} is {@code known}
 * @param config the function's settings as JSON scalars ({@link String}, {@link Number}, {@link Boolean}); members
 *               whose value is null, an object or an array are left out
 */
public record EmbeddingFunctionConfiguration(String type, @Nullable String name, Map<String, Object> config) {

    public EmbeddingFunctionConfiguration {
        requireNonNull(type, "type is null");
        config = Map.copyOf(config);
    }

    /** Whether this names a function by name ({@code type} {@code known}), the only kind a server can run. */
    public boolean known() {
        return "known".equals(type) && name != null;
    }

    /** How an error message names it: {@code 'default'}, or its type when it has no name. */
    public String describe() {
        return known() ? "'" + name + "'" : "of type '" + type + "'";
    }
}
