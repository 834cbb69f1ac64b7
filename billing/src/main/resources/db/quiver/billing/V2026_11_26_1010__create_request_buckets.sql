-- Request-rate token buckets (issue #7): one row per tenant and kind of request ('read', 'write'), shared by every
-- gateway on this PostgreSQL. A bucket holds at most one second of the tenant's limit and refills continuously;
-- gateways take small slices of tokens from it with one conditional update each (JdbcRequestBuckets), so the
-- tenant's total stays within its limit however many gateways serve it.
create table request_buckets (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    kind        text not null check (kind in ('read', 'write')),
    -- Tokens left as of updated_at; fractional, because the refill is continuous.
    tokens      double precision not null check (tokens >= 0),
    -- The tokens the last lease handed out (0 when the bucket held less than the slice asked for).
    granted     bigint not null check (granted >= 0),
    -- Requests of this kind seen by all gateways, decayed by e^(-seconds) since updated_at: about the requests of
    -- the last second, which a refusal quotes as the current rate.
    demand      double precision not null check (demand >= 0),
    updated_at  timestamptz not null,
    -- When the bucket was made, full: with updated_at, the window whose refill the tenant could have spent.
    created_at  timestamptz not null,
    primary key (tenant_id, kind)
);
