-- Plans, their quotas, which plan each tenant is on, and per-tenant quota overrides (issue #7).
-- Money is bigint minor units of the plan's currency (cents), never a floating-point number; unit prices are per
-- million read or write units and per GiB-month of storage.
create table plans (
    name                     text primary key,
    monthly_fee              bigint not null check (monthly_fee >= 0),
    currency                 text not null check (currency ~ '^[A-Z]{3}$'),
    read_unit_price          bigint not null check (read_unit_price >= 0),
    write_unit_price         bigint not null check (write_unit_price >= 0),
    storage_gib_month_price  bigint not null check (storage_gib_month_price >= 0),
    created_at               timestamptz not null,
    updated_at               timestamptz not null
);

-- One row per plan and quota: a plan names every quota (the service checks that on save). The key is the quota's
-- JSON key, for example records_per_batch.
create table plan_quotas (
    plan_name    text not null references plans (name) on delete cascade,
    quota        text not null,
    quota_limit  bigint not null check (quota_limit >= 0),
    primary key (plan_name, quota)
);

-- A tenant without a row is on the configured default plan. A plan in use cannot be deleted.
create table tenant_plans (
    tenant_id    uuid primary key references tenants (id) on delete cascade,
    plan_name    text not null references plans (name),
    assigned_at  timestamptz not null
);

create table tenant_quota_overrides (
    tenant_id    uuid not null references tenants (id) on delete cascade,
    quota        text not null,
    quota_limit  bigint not null check (quota_limit >= 0),
    created_at   timestamptz not null,
    primary key (tenant_id, quota)
);

-- The seeded plans. free follows Chroma Cloud's per-request defaults (document 16 KiB, 32 metadata keys of at most
-- 4 KiB together, dimension 4096, 300 records per write).
insert into plans (name, monthly_fee, currency, read_unit_price, write_unit_price, storage_gib_month_price,
                   created_at, updated_at)
values ('free', 0, 'USD', 0, 0, 0, now(), now()),
       ('pro', 25000, 'USD', 900, 250, 33, now(), now()),
       ('enterprise', 250000, 'USD', 700, 200, 25, now(), now());

insert into plan_quotas (plan_name, quota, quota_limit)
values ('free', 'databases', 10),
       ('free', 'collections_per_database', 1000),
       ('free', 'records_per_collection', 1000000),
       ('free', 'max_dimension', 4096),
       ('free', 'records_per_batch', 300),
       ('free', 'document_bytes', 16384),
       ('free', 'metadata_keys', 32),
       ('free', 'metadata_bytes', 4096),
       ('free', 'read_requests_per_second', 100),
       ('free', 'write_requests_per_second', 50),
       ('free', 'storage_bytes', 5368709120),
       ('pro', 'databases', 100),
       ('pro', 'collections_per_database', 100000),
       ('pro', 'records_per_collection', 10000000),
       ('pro', 'max_dimension', 4096),
       ('pro', 'records_per_batch', 1000),
       ('pro', 'document_bytes', 65536),
       ('pro', 'metadata_keys', 64),
       ('pro', 'metadata_bytes', 16384),
       ('pro', 'read_requests_per_second', 1000),
       ('pro', 'write_requests_per_second', 500),
       ('pro', 'storage_bytes', 536870912000),
       ('enterprise', 'databases', 1000000),
       ('enterprise', 'collections_per_database', 1000000),
       ('enterprise', 'records_per_collection', 1000000000),
       ('enterprise', 'max_dimension', 4096),
       ('enterprise', 'records_per_batch', 100000),
       ('enterprise', 'document_bytes', 1048576),
       ('enterprise', 'metadata_keys', 1024),
       ('enterprise', 'metadata_bytes', 1048576),
       ('enterprise', 'read_requests_per_second', 100000),
       ('enterprise', 'write_requests_per_second', 50000),
       ('enterprise', 'storage_bytes', 10995116277760);
