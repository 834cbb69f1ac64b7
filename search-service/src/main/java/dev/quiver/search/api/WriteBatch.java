package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A validated batch of writes to one collection, the unit that is logged and applied atomically.
 *
 * <p>Semantics, applied in log order (Chroma's): {@code ADD} ignores an id that already exists, and within one
 * batch the first occurrence of an id wins; {@code UPSERT} inserts or merges (metadata key by key, omitted
 * document/embedding/uri kept), the last occurrence in a batch wins; {@code UPDATE} merges into existing records
 * and ignores unknown ids; {@code DELETE} removes the listed ids.
 */
public record WriteBatch(Operation operation, List<RecordWrite> records) {

    public enum Operation {
        ADD, UPSERT, UPDATE, DELETE;

        /** The operation as Chroma Cloud names it in a quota refusal: {@code Add}, {@code Upsert}, ... */
        public String action() {
            return switch (this) {
                case ADD -> "Add";
                case UPSERT -> "Upsert";
                case UPDATE -> "Update";
                case DELETE -> "Delete";
            };
        }
    }

    public WriteBatch {
        requireNonNull(operation, "operation is null");
        records = List.copyOf(records);
    }
}
