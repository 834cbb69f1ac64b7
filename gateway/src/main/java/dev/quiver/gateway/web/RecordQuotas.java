package dev.quiver.gateway.web;

import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.TenantLimits;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordBytes;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import java.util.List;
import java.util.Map;

/**
 * The per-request quotas of a write, checked on the parsed batch before anything is logged: the batch's size, and
 * for its largest record the embedding's dimension, the document's UTF-8 bytes, the metadata's keys and bytes
 * (counted as {@link RecordBytes#metadata} counts them). A refusal names the quota, its limit and the largest value
 * found, and refuses the whole batch.
 *
 * <p>For update and upsert the metadata checked is the patch the request sends, not the record merged with what is
 * stored: a patch adding keys to a stored record may leave it above the limit. TODO(#7): check the merged record
 * when the applier merges.
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
}
