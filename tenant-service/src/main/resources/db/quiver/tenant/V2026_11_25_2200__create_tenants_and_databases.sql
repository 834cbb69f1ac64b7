create table tenants (
    id          uuid primary key,
    name        text not null unique,
    created_at  timestamptz not null
);

create table databases (
    id          uuid primary key,
    tenant_id   uuid not null references tenants (id) on delete cascade,
    name        text not null,
    created_at  timestamptz not null,
    position    bigserial not null,
    unique (tenant_id, name)
);
