-- An operator's suspension of a tenant: its data is kept, but its keys and sessions may not read or change it.
-- Both columns are null while the tenant is active. created_at exists since the table was created.
alter table tenants
    add column suspended_at      timestamptz,
    add column suspended_reason  text;
