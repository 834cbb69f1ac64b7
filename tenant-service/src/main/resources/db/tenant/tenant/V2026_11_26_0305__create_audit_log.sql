-- The tenant's audit log: every control-plane change, written in the transaction that made it.
create table audit_log (
    sequence  bigserial primary key,
    at        timestamptz not null,
    actor     text not null,
    action    text not null,
    target    text not null
);
