-- Each checkpoint of a shard that reached the object store: its manifest is uploaded before the row is written,
-- and a collection's log is truncated only below what these rows cover. No foreign key to collections: a deleted
-- collection's rows outlive it until the background pass has deleted its objects, and they name the objects.
create table shard_checkpoints (
    collection_id  uuid not null,
    shard          integer not null,
    sequence       bigint not null,
    tenant_id      uuid not null,
    -- the shard lease's epoch when the checkpoint was taken; 0 while shards have no leases
    epoch          bigint not null,
    manifest_key   text not null,
    -- the bytes of every file of the checkpoint, uploaded now or earlier
    bytes          bigint not null,
    -- the object keys of the checkpoint's files, as its manifest lists them, so deciding which file objects no kept
    -- checkpoint needs takes one query rather than reading every kept manifest
    file_keys      text[] not null,
    created_at     timestamptz not null,
    primary key (collection_id, shard, sequence)
);

create index shard_checkpoints_tenant on shard_checkpoints (tenant_id);
