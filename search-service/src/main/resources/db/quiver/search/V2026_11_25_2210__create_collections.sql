create table collections (
    id                  uuid primary key,
    tenant_id           uuid not null references tenants (id) on delete cascade,
    database_id         uuid not null references databases (id) on delete cascade,
    name                text not null,
    -- metadata in the search module's binary metadata encoding; null when the collection has none
    metadata            bytea,
    space               text not null,
    ef_construction     integer not null,
    ef_search           integer not null,
    max_neighbors       integer not null,
    resize_factor       double precision not null,
    sync_threshold      integer not null,
    -- the embedding function configuration exactly as the client sent it
    embedding_function  text,
    dimension           integer,
    -- the sequence of the last batch appended to the collection's log; the row lock taken to advance it orders
    -- concurrent writers, so sequences are assigned in commit order
    log_position        bigint not null default 0,
    version             integer not null default 0,
    created_at          timestamptz not null,
    position            bigserial not null,
    unique (database_id, name)
);

create index collections_tenant on collections (tenant_id);
