package dev.quiver.ui.web;

import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.MetadataValue.BoolArray;
import dev.quiver.search.api.MetadataValue.BoolValue;
import dev.quiver.search.api.MetadataValue.FloatArray;
import dev.quiver.search.api.MetadataValue.FloatValue;
import dev.quiver.search.api.MetadataValue.IntArray;
import dev.quiver.search.api.MetadataValue.IntValue;
import dev.quiver.search.api.MetadataValue.Null;
import dev.quiver.search.api.MetadataValue.StringArray;
import dev.quiver.search.api.MetadataValue.StringValue;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * How console pages write numbers, sizes, vectors, metadata and times: short, and the same on every page. Stateless.
 */
final class Display {

    /** How many leading vector values a table shows; the rest is summarised by the dimension. */
    static final int VECTOR_PREVIEW = 4;

    private static final DateTimeFormatter DAY_AND_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Display() {
    }

    /** Bytes in binary units with one decimal, as disk sizes are usually read: {@code 0 B}, {@code 12.3 KiB}. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** The first few values and the dimension: {@code [0.12, -0.4, 0.9, …] (384)}; an empty string for none. */
    static String vector(float @Nullable [] embedding) {
        if (embedding == null) {
            return "";
        }
        StringBuilder text = new StringBuilder("[");
        int shown = Math.min(VECTOR_PREVIEW, embedding.length);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(number(embedding[i]));
        }
        if (embedding.length > shown) {
            text.append(", …");
        }
        return text.append("] (").append(embedding.length).append(')').toString();
    }

    /** A distance with four significant decimals, enough to tell neighbours apart. */
    static String distance(float distance) {
        return String.format(Locale.ROOT, "%.4f", distance);
    }

    /** Metadata as compact JSON with its keys sorted, so rows read alike; an empty string for none. */
    static String metadata(@Nullable Map<String, MetadataValue> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return "";
        }
        StringBuilder json = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, MetadataValue> entry : new TreeMap<>(metadata).entrySet()) {
            if (!first) {
                json.append(", ");
            }
            first = false;
            string(json, entry.getKey()).append(": ");
            value(json, entry.getValue());
        }
        return json.append('}').toString();
    }

    static String instant(@Nullable Instant instant) {
        return instant == null ? "" : DAY_AND_TIME.format(instant);
    }

    private static void value(StringBuilder json, MetadataValue value) {
        switch (value) {
            case StringValue string -> string(json, string.value());
            case IntValue integer -> json.append(integer.value());
            case FloatValue decimal -> json.append(number(decimal.value()));
            case BoolValue bool -> json.append(bool.value());
            case StringArray strings -> {
                json.append('[');
                for (int i = 0; i < strings.values().size(); i++) {
                    string(i > 0 ? json.append(", ") : json, strings.values().get(i));
                }
                json.append(']');
            }
            case IntArray integers -> list(json, integers.values());
            case FloatArray decimals -> {
                json.append('[');
                for (int i = 0; i < decimals.values().size(); i++) {
                    (i > 0 ? json.append(", ") : json).append(number(decimals.values().get(i)));
                }
                json.append(']');
            }
            case BoolArray bools -> list(json, bools.values());
            case Null ignored -> json.append("null");
        }
    }

    private static void list(StringBuilder json, List<?> values) {
        json.append('[');
        for (int i = 0; i < values.size(); i++) {
            (i > 0 ? json.append(", ") : json).append(values.get(i));
        }
        json.append(']');
    }

    private static StringBuilder string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }

    /** A number without a trailing {@code .0} and with at most four decimals. */
    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        String text = String.format(Locale.ROOT, "%.4f", value);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
