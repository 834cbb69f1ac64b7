package dev.quiver.gateway.web;

import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.TenantLimits;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordBytes;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-request quotas of a write, checked on the parsed batch before anything is logged: the batch's size, and
 * for its largest record the embedding's dimension, the document's UTF-8 bytes, the metadata's keys and bytes
 * (counted as {@link RecordBytes#metadata} counts them). A refusal names the quota, its limit and the largest value
 * found, and refuses the whole batch.
 *
 * <p>For update and upsert, {@link #checkMerged} checks the metadata each record would have once merged with what
 * is stored, since a patch adding keys to a stored record may take it over the limit. It reads what the index
 * shows when the request arrives: two concurrent patches to one record are each checked against the record
 * without the other.
 *
 * <p>Stateless.
 */
final class RecordQuotas {

    private RecordQuotas() {
    }

    /**
     * Refuses the batch if it breaks one of the per-request quotas, checked in the order of {@link Quota}.
     *
     * @param action the refused action as Chroma Cloud names it in its message: {@code Add}, {@code Upsert}, ...
     * @throws dev.quiver.common.QuotaExceededException naming the first broken quota
     */
    static void check(TenantLimits limits, WriteBatch batch, String action) {
        List<RecordWrite> records = batch.records();
        long dimension = 0;
        long documentBytes = 0;
        long metadataKeys = 0;
        long metadataBytes = 0;
        for (RecordWrite record : records) {
            if (record.embedding() != null) {
                dimension = Math.max(dimension, record.embedding().length);
            }
            if (record.document() != null) {
                documentBytes = Math.max(documentBytes, RecordBytes.utf8(record.document()));
            }
            Map<String, MetadataValue> metadata = record.metadata();
            if (metadata != null) {
                metadataKeys = Math.max(metadataKeys, metadata.size());
                metadataBytes = Math.max(metadataBytes, RecordBytes.metadata(metadata));
            }
        }
        limits.quota(Quota.MAX_DIMENSION).check(action, dimension);
        limits.quota(Quota.RECORDS_PER_BATCH).check(action, records.size());
        limits.quota(Quota.DOCUMENT_BYTES).check(action, documentBytes);
        limits.quota(Quota.METADATA_KEYS).check(action, metadataKeys);
        limits.quota(Quota.METADATA_BYTES).check(action, metadataBytes);
    }

    /**
     * Refuses an update or upsert whose merged metadata breaks the metadata quotas: each record's patch applied, in
     * batch order, to the metadata stored for its id ({@link MetadataValue.Null} removes a key), as the applier
     * merges. An update of an unknown id is ignored, as the applier ignores it.
     *
     * @param stored the stored metadata of the batch's ids that exist (an id without metadata maps to an empty map)
     */
    static void checkMerged(TenantLimits limits, WriteBatch batch, Map<String, Map<String, MetadataValue>> stored) {
        Map<String, Map<String, MetadataValue>> merged = new HashMap<>();
        long metadataKeys = 0;
        long metadataBytes = 0;
        for (RecordWrite record : batch.records()) {
            Map<String, MetadataValue> current = merged.containsKey(record.id()) ? merged.get(record.id())
                    : stored.get(record.id());
            if (current == null) {
                if (batch.operation() == WriteBatch.Operation.UPDATE) {
                    continue;
                }
                current = Map.of();
            }
            if (record.metadata() == null) {
                merged.put(record.id(), current);
                continue;
            }
            Map<String, MetadataValue> next = new LinkedHashMap<>(current);
            for (Map.Entry<String, MetadataValue> entry : record.metadata().entrySet()) {
                if (entry.getValue() instanceof MetadataValue.Null) {
                    next.remove(entry.getKey());
                } else {
                    next.put(entry.getKey(), entry.getValue());
                }
            }
            merged.put(record.id(), next);
            metadataKeys = Math.max(metadataKeys, next.size());
            metadataBytes = Math.max(metadataBytes, RecordBytes.metadata(next));
        }
        String action = batch.operation().action();
        limits.quota(Quota.METADATA_KEYS).check(action, metadataKeys);
        limits.quota(Quota.METADATA_BYTES).check(action, metadataBytes);
    }

    /** Whether {@link #checkMerged} has anything to check: an update or upsert that sends metadata. */
    static boolean mergesMetadata(WriteBatch batch) {
        if (batch.operation() != WriteBatch.Operation.UPDATE && batch.operation() != WriteBatch.Operation.UPSERT) {
            return false;
        }
        for (RecordWrite record : batch.records()) {
            if (record.metadata() != null) {
                return true;
            }
        }
        return false;
    }
}
