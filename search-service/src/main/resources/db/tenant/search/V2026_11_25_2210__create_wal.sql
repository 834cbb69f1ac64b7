-- The tenant's write-ahead log: one row per acknowledged batch, in each collection's sequence order.
create table wal (
    collection_id  uuid not null,
    sequence       bigint not null,
    record_count   integer not null,
    payload        bytea not null,
    created_at     timestamptz not null,
    primary key (collection_id, sequence)
);
