package dev.quiver.search.index;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.StoredRecord;
import java.util.List;

/**
 * Records of one shard in insertion order, each with its insertion order (the batch's log sequence, then the
 * record's position in the whole batch): the key by which the records of several shards merge into the order a
 * collection of one shard gives. Orders ascend strictly and are unique across the shards of a collection.
 *
 * @param orders {@code orders[i]} is the insertion order of {@code records.get(i)}; not copied, do not modify
 */
public record OrderedRecords(List<StoredRecord> records, long[] orders) {

    public OrderedRecords {
        requireNonNull(records, "records is null");
        requireNonNull(orders, "orders is null");
        if (records.size() != orders.length) {
            throw new IllegalArgumentException(
                    "records and orders differ in length: " + records.size() + " != " + orders.length);
        }
        records = List.copyOf(records);
    }
}
