-- Metering (issue #7). Every metered request inserts one event into the outbox, a write in the same transaction
-- as its log entry; the roll-up moves events into hourly and daily sums in one transaction that deletes them, so
-- an event is counted once whatever crashes. Units are whole numbers: read units, write units, and storage as
-- byte-hours. Events and roll-ups keep the ids of deleted collections: usage outlives what it was spent on.
create table metering_events (
    id             bigserial primary key,
    tenant_id      uuid not null,
    database_id    uuid not null,
    collection_id  uuid not null,
    kind           text not null check (kind in ('read', 'write', 'storage')),
    units          bigint not null check (units >= 0),
    occurred_at    timestamptz not null
);

create table usage_rollups (
    granularity    text not null check (granularity in ('hour', 'day')),
    period_start   timestamptz not null,
    tenant_id      uuid not null,
    database_id    uuid not null,
    collection_id  uuid not null,
    read_units     bigint not null default 0,
    write_units    bigint not null default 0,
    storage_byte_hours bigint not null default 0,
    primary key (tenant_id, granularity, period_start, database_id, collection_id)
);
