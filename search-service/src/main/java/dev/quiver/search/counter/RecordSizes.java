package dev.quiver.search.counter;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.RecordBytes;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The sizes a batch writes, one entry per distinct id, in parallel arrays ready to bind as PostgreSQL arrays. A
 * part that is null leaves the stored part unchanged (update, upsert of an existing record); for {@code ADD} every
 * part is given, absent ones as 0. Sizes are counted as {@link RecordBytes} counts them; the id's bytes are not
 * here because the table keys records by their UTF-8 bytes and counts those.
 *
 * <p>Repeats of an id fold into one entry as the applier applies them (see {@link WriteBatch}): for {@code ADD} the
 * first occurrence wins; for {@code UPSERT} and {@code UPDATE} each part is the last one given, and metadata, which
 * merges key by key, counts the largest of the patches (see {@link #merge}). Immutable after construction.
 *
 * @param ids      the distinct ids' UTF-8 bytes, in first-occurrence order
 * @param vector   each id's vector bytes, or null to keep the stored part
 * @param document each id's document bytes, or null to keep the stored part
 * @param uri      each id's URI bytes, or null to keep the stored part
 * @param metadata each id's metadata bytes, or null to keep the stored part
 */
public record RecordSizes(WriteBatch.Operation operation, byte[][] ids, @Nullable Integer[] vector,
        @Nullable Integer[] document, @Nullable Integer[] uri, @Nullable Integer[] metadata) {

    public RecordSizes {
        requireNonNull(operation, "operation is null");
        requireNonNull(ids, "ids is null");
        if (vector.length != ids.length || document.length != ids.length || uri.length != ids.length
                || metadata.length != ids.length) {
            throw new IllegalArgumentException("parts must have one entry per id: " + ids.length);
        }
    }

    /** The sizes of a batch; for {@code DELETE} only the ids matter and every part is null. */
    public static RecordSizes of(WriteBatch batch) {
        WriteBatch.Operation operation = batch.operation();
        Map<String, Parts> byId = new LinkedHashMap<>();
        for (RecordWrite record : batch.records()) {
            Parts parts = Parts.of(record, operation);
            switch (operation) {
                case ADD, DELETE -> byId.putIfAbsent(record.id(), parts);
                case UPSERT, UPDATE -> byId.merge(record.id(), parts, RecordSizes::merge);
            }
        }
        int size = byId.size();
        byte[][] ids = new byte[size][];
        Integer[] vector = new Integer[size];
        Integer[] document = new Integer[size];
        Integer[] uri = new Integer[size];
        Integer[] metadata = new Integer[size];
        int i = 0;
        for (Map.Entry<String, Parts> entry : byId.entrySet()) {
            Parts parts = entry.getValue();
            ids[i] = entry.getKey().getBytes(StandardCharsets.UTF_8);
            vector[i] = parts.vector();
            document[i] = parts.document();
            uri[i] = parts.uri();
            metadata[i] = parts.metadata();
            i++;
        }
        return new RecordSizes(operation, ids, vector, document, uri, metadata);
    }

    /** The number of distinct ids. */
    public int size() {
        return ids.length;
    }

    /**
     * Folds a later write of an id into an earlier one. A part the later write gives replaces the earlier one.
     * Metadata merges key by key, so the merged bytes are not known without the stored keys: the larger of the two
     * patches is counted, exact when one patch covers the other's keys and otherwise an under-count bounded by the
     * smaller patch, which the per-record metadata quota keeps small.
     */
    private static Parts merge(Parts earlier, Parts later) {
        return new Parts(
                later.vector() != null ? later.vector() : earlier.vector(),
                later.document() != null ? later.document() : earlier.document(),
                later.uri() != null ? later.uri() : earlier.uri(),
                later.metadata() == null ? earlier.metadata()
                        : earlier.metadata() == null ? later.metadata()
                        : Integer.valueOf(Math.max(earlier.metadata(), later.metadata())));
    }

    private record Parts(@Nullable Integer vector, @Nullable Integer document, @Nullable Integer uri,
            @Nullable Integer metadata) {

        /** An absent part is 0 for {@code ADD}, which creates the record, and "unchanged" otherwise. */
        static Parts of(RecordWrite record, WriteBatch.Operation operation) {
            @Nullable Integer absent = operation == WriteBatch.Operation.ADD ? 0 : null;
            return new Parts(
                    record.embedding() == null ? absent : bytes(RecordBytes.vector(record.embedding().length)),
                    record.document() == null ? absent : bytes(RecordBytes.utf8(record.document())),
                    record.uri() == null ? absent : bytes(RecordBytes.utf8(record.uri())),
                    record.metadata() == null ? absent : bytes(RecordBytes.metadata(record.metadata())));
        }

        private static Integer bytes(long bytes) {
            return Math.toIntExact(bytes);
        }
    }
}
