-- Search nodes and the leases through which they own shards. Every time in these tables comes from the database
-- clock (now(), clock_timestamp()), never from a node's, so clock skew between machines cannot make a lease look
-- free to one node while its owner still counts it as held.
create table search_nodes (
    -- chosen by the node: configured, or a UUID kept in its data directory so a restarted node keeps its id
    id              text primary key,
    -- where other processes reach the node's internal endpoints
    advertise_url   text not null,
    started_at      timestamptz not null,
    -- a node is live while its last heartbeat is younger than the lease duration
    heartbeat_at    timestamptz not null
);

-- One row per shard, created by the first node that acquires it and kept for the shard's life, so the epoch
-- only ever grows: a writer fenced by an epoch can never see that epoch come back.
create table shard_leases (
    collection_id   uuid not null references collections (id) on delete cascade,
    shard           integer not null check (shard >= 0),
    -- null while no node holds the shard (released, or its node deregistered)
    owner_node      text references search_nodes (id) on delete set null,
    -- raised by one on every acquisition; checkpoints and writes carry it as their fence
    epoch           bigint not null check (epoch > 0),
    -- the lease is free from this moment unless its owner renews it first
    expires_at      timestamptz not null,
    primary key (collection_id, shard)
);

create index shard_leases_owner on shard_leases (owner_node);

-- How many shards a collection's records are spread over; fixed at creation.
alter table collections add column shard_count integer not null default 1 check (shard_count >= 1);
