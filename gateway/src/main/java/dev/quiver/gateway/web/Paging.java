package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;

import dev.quiver.common.ErrorCode;
import org.jspecify.annotations.Nullable;

/** The {@code limit} and {@code offset} query parameters of list endpoints: unsigned, limit defaulting to all. */
final class Paging {

    private Paging() {
    }

    static int limit(@Nullable Integer limit) {
        return unsigned(limit, "limit", Integer.MAX_VALUE);
    }

    static int offset(@Nullable Integer offset) {
        return unsigned(offset, "offset", 0);
    }

    private static int unsigned(@Nullable Integer value, String name, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < 0) {
            throw invalidField(ErrorCode.UNPROCESSABLE, name, "u32",
                    "Failed to deserialize query string: " + name + ": invalid digit found in string");
        }
        return value;
    }
}
