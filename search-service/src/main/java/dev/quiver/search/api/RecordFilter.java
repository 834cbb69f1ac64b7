package dev.quiver.search.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which records a read or delete addresses: ids, {@code where} and {@code where_document} are ANDed; a null part
 * does not restrict.
 */
public record RecordFilter(@Nullable List<String> ids, @Nullable Where where, @Nullable WhereDocument whereDocument) {

    public static final RecordFilter ALL = new RecordFilter(null, null, null);

    public RecordFilter {
        ids = ids == null ? null : List.copyOf(ids);
    }

    public boolean isEmpty() {
        return ids == null && where == null && whereDocument == null;
    }
}
