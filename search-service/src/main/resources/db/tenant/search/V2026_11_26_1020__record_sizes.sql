-- Each record's sizes as its writes counted them, so a write learns exactly how many records and bytes it adds,
-- replaces or removes without reading the shard. Parts are kept apart because an update or a merging upsert
-- replaces only the parts it sends. The id is its UTF-8 bytes: it counts as octet_length, and bytea takes any id
-- text may not (NUL).
create table record_sizes (
    collection_id   uuid not null,
    record_id       bytea not null,
    vector_bytes    integer not null,
    document_bytes  integer not null,
    uri_bytes       integer not null,
    metadata_bytes  integer not null,
    primary key (collection_id, record_id)
);
