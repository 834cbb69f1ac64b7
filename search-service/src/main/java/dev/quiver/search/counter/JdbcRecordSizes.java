package dev.quiver.search.counter;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.WriteBatch;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;

/**
 * Each record's sizes in the tenant's schema, over {@link JdbcClient}. A write changes them with one set-based
 * statement that returns the exact change in records and bytes. The caller holds the collection's row lock (see
 * the collections table), so the statement's snapshot holds every earlier write of the collection and no later
 * one. The schema name comes only from a {@link TenantId}. Thread-safe; transactions are the caller's.
 */
public final class JdbcRecordSizes {

    /*
     * One statement for ADD, UPSERT and UPDATE:
     * 1. input: one row per distinct id (RecordSizes folds repeats as the applier applies them); a null part
     *    means "keep the stored one".
     * 2. old: the stored sizes of those ids.
     * 3. merged: the ids the operation touches (ADD: only new ones, UPDATE: only existing ones, UPSERT: all) with
     *    their new parts; metadata merges key by key, counted as the larger of the stored and the sent bytes
     *    (greatest ignores nulls).
     * 4. written: stores the new sizes.
     * 5. The change: the records created and the new bytes minus the old, ids included.
     */
    private static final String WRITE = """
            with input as (
                select * from unnest(:ids::bytea[], :vector::integer[], :document::integer[], :uri::integer[],
                    :metadata::integer[]) as i (record_id, vector_bytes, document_bytes, uri_bytes, metadata_bytes)
            ),
            old as (
                select s.record_id, s.vector_bytes, s.document_bytes, s.uri_bytes, s.metadata_bytes
                from %1$s.record_sizes s join input i on s.record_id = i.record_id
                where s.collection_id = :collectionId
            ),
            merged as (
                select i.record_id,
                    coalesce(i.vector_bytes, o.vector_bytes, 0) as vector_bytes,
                    coalesce(i.document_bytes, o.document_bytes, 0) as document_bytes,
                    coalesce(i.uri_bytes, o.uri_bytes, 0) as uri_bytes,
                    greatest(i.metadata_bytes, o.metadata_bytes, 0) as metadata_bytes,
                    o.record_id is null as created,
                    coalesce(octet_length(o.record_id) + o.vector_bytes + o.document_bytes + o.uri_bytes
                        + o.metadata_bytes, 0) as old_bytes
                from input i left join old o on o.record_id = i.record_id
                where case :operation when 'ADD' then o.record_id is null
                    when 'UPDATE' then o.record_id is not null
                    else true end
            ),
            written as (
                insert into %1$s.record_sizes (collection_id, record_id, vector_bytes, document_bytes, uri_bytes,
                    metadata_bytes)
                select :collectionId, record_id, vector_bytes, document_bytes, uri_bytes, metadata_bytes
                from merged
                on conflict (collection_id, record_id) do update set vector_bytes = excluded.vector_bytes,
                    document_bytes = excluded.document_bytes, uri_bytes = excluded.uri_bytes,
                    metadata_bytes = excluded.metadata_bytes
            )
            select count(*) filter (where created) as records,
                coalesce(sum(octet_length(record_id) + vector_bytes + document_bytes + uri_bytes + metadata_bytes
                    - old_bytes), 0) as bytes
            from merged
            """;
    /*
     * ADD alone, the bulk load's operation: ids already stored are ignored, so the inserted rows are the change.
     * One insert instead of WRITE's join with the stored sizes, whose lookups the insert's own conflict check
     * repeats.
     */
    private static final String ADD = """
            with written as (
                insert into %s.record_sizes (collection_id, record_id, vector_bytes, document_bytes, uri_bytes,
                    metadata_bytes)
                select :collectionId, i.record_id, coalesce(i.vector_bytes, 0), coalesce(i.document_bytes, 0),
                    coalesce(i.uri_bytes, 0), coalesce(i.metadata_bytes, 0)
                from unnest(:ids::bytea[], :vector::integer[], :document::integer[], :uri::integer[],
                    :metadata::integer[]) as i (record_id, vector_bytes, document_bytes, uri_bytes, metadata_bytes)
                on conflict (collection_id, record_id) do nothing
                returning octet_length(record_id) + vector_bytes + document_bytes + uri_bytes + metadata_bytes
                    as bytes
            )
            select count(*) as records, coalesce(sum(bytes), 0) as bytes from written
            """;
    private static final String DELETE = """
            with deleted as (
                delete from %s.record_sizes
                where collection_id = :collectionId and record_id = any(:ids::bytea[])
                returning octet_length(record_id) + vector_bytes + document_bytes + uri_bytes + metadata_bytes
                    as bytes
            )
            select -count(*) as records, -coalesce(sum(bytes), 0) as bytes from deleted
            """;
    private static final String DELETE_COLLECTION = """
            delete from %s.record_sizes where collection_id = :collectionId
            """;

    private final JdbcClient jdbc;

    public JdbcRecordSizes(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** How a write changed a collection: records created or removed, and bytes added or freed. */
    public record Change(long records, long bytes) {
    }

    /**
     * Stores the batch's sizes and returns the exact change; must run inside the transaction that advanced the
     * collection's log position, before the batch is logged.
     */
    public Change write(TenantId tenant, CollectionId collection, RecordSizes sizes) {
        if (sizes.operation() == WriteBatch.Operation.DELETE) {
            return jdbc.sql(DELETE.formatted(tenant.schemaName()))
                    .param("collectionId", collection.value())
                    .param("ids", new SqlArrayValue("bytea", (Object[]) sizes.ids()))
                    .query((rs, row) -> new Change(rs.getLong("records"), rs.getLong("bytes")))
                    .single();
        }
        boolean add = sizes.operation() == WriteBatch.Operation.ADD;
        return jdbc.sql((add ? ADD : WRITE).formatted(tenant.schemaName()))
                .param("collectionId", collection.value())
                .param("operation", sizes.operation().name())
                .param("ids", new SqlArrayValue("bytea", (Object[]) sizes.ids()))
                .param("vector", new SqlArrayValue("integer", (Object[]) sizes.vector()))
                .param("document", new SqlArrayValue("integer", (Object[]) sizes.document()))
                .param("uri", new SqlArrayValue("integer", (Object[]) sizes.uri()))
                .param("metadata", new SqlArrayValue("integer", (Object[]) sizes.metadata()))
                .query((rs, row) -> new Change(rs.getLong("records"), rs.getLong("bytes")))
                .single();
    }

    /** Removes a deleted collection's sizes, with its log. */
    public void deleteCollection(TenantId tenant, CollectionId collection) {
        jdbc.sql(DELETE_COLLECTION.formatted(tenant.schemaName()))
                .param("collectionId", collection.value())
                .update();
    }
}
