-- Plan allowances, plan history and invoices (issue #7).
--
-- A plan includes some usage in its monthly fee; an invoice charges only the units beyond it. Read and write
-- allowances are whole units per month; storage is whole GiB-months, where one GiB-month is 2^30 bytes kept for
-- every hour of the invoiced month (so 1 GiB kept all month is 1 GiB-month whatever the month's length).
alter table plans
    add column included_read_units          bigint not null default 0 check (included_read_units >= 0),
    add column included_write_units         bigint not null default 0 check (included_write_units >= 0),
    add column included_storage_gib_months  bigint not null default 0 check (included_storage_gib_months >= 0);

update plans set included_read_units = 10000000, included_write_units = 5000000, included_storage_gib_months = 5
where name = 'free';
update plans set included_read_units = 100000000, included_write_units = 50000000, included_storage_gib_months = 50
where name = 'pro';
update plans set included_read_units = 2000000000, included_write_units = 1000000000,
                 included_storage_gib_months = 1024
where name = 'enterprise';

-- Which plan a tenant was on when: [valid_from, valid_to), valid_to null for the plan it is on now. Written with
-- every assignment, in its transaction. A time no row covers is on the configured default plan. Assignments made
-- before this table existed start at their assigned_at.
create table tenant_plan_history (
    id          bigserial primary key,
    tenant_id   uuid not null references tenants (id) on delete cascade,
    plan_name   text not null references plans (name),
    valid_from  timestamptz not null,
    valid_to    timestamptz,
    check (valid_to is null or valid_to >= valid_from)
);

create index tenant_plan_history_tenant on tenant_plan_history (tenant_id, valid_from);
create unique index tenant_plan_history_open on tenant_plan_history (tenant_id) where valid_to is null;

insert into tenant_plan_history (tenant_id, plan_name, valid_from, valid_to)
select tenant_id, plan_name, assigned_at, null from tenant_plans;

-- Invoices outlive their tenant (no foreign key; the tenant's name is kept), as a bill must. Money is bigint minor
-- units of the invoice's currency. One invoice per tenant and month that is not void: the index makes a second
-- gateway's month-end run, or an operator racing it, find the first one instead of adding another.
create table invoices (
    id            uuid primary key,
    tenant_id     uuid not null,
    tenant_name   text not null,
    period_start  timestamptz not null,
    period_end    timestamptz not null,
    currency      text not null check (currency ~ '^[A-Z]{3}$'),
    status        text not null check (status in ('draft', 'issued', 'paid', 'void')),
    total         bigint not null,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    issued_at     timestamptz,
    paid_at       timestamptz,
    voided_at     timestamptz,
    check (period_end > period_start)
);

create unique index invoices_one_per_month on invoices (tenant_id, period_start) where status <> 'void';
create index invoices_tenant on invoices (tenant_id, period_start desc);

create table invoice_lines (
    invoice_id    uuid not null references invoices (id) on delete cascade,
    position      int not null,
    kind          text not null check (kind in ('plan_fee', 'read_units', 'write_units', 'storage')),
    plan_name     text not null,
    description   text not null,
    period_start  timestamptz not null,
    period_end    timestamptz not null,
    quantity      bigint not null,
    unit          text not null,
    unit_price    bigint not null,
    amount        bigint not null,
    primary key (invoice_id, position)
);
