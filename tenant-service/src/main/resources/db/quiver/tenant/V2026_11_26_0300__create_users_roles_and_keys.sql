-- People. An e-mail is stored lower-cased, so uniqueness ignores case.
create table users (
    id             uuid primary key,
    email          text not null unique check (email = lower(email)),
    password_hash  text not null,
    operator       boolean not null default false,
    created_at     timestamptz not null
);

-- Who belongs to which tenant, with which role: a built-in role's name or one of the tenant's custom roles.
create table memberships (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    user_id     uuid not null references users (id) on delete cascade,
    role        text not null,
    created_at  timestamptz not null,
    primary key (tenant_id, user_id)
);

create index memberships_user on memberships (user_id);

-- A tenant's custom roles; built-in roles (owner, admin, editor, viewer) live in code, not here.
create table roles (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    name        text not null,
    privileges  text[] not null,
    created_at  timestamptz not null,
    primary key (tenant_id, name)
);

-- Only the SHA-256 of a key's secret is stored, with its display prefix.
create table api_keys (
    id             uuid primary key,
    tenant_id      uuid not null references tenants (id) on delete cascade,
    name           text not null,
    role           text not null,
    prefix         text not null,
    secret_hash    bytea not null unique,
    -- Its own column, not "no rows in api_key_databases": a key limited to databases that were all deleted
    -- must see none of the tenant's databases, never all of them.
    all_databases  boolean not null,
    created_by     uuid references users (id) on delete cascade,
    created_at     timestamptz not null,
    expires_at     timestamptz,
    revoked_at     timestamptz
);

create index api_keys_tenant on api_keys (tenant_id, created_at);

create table api_key_databases (
    key_id       uuid not null references api_keys (id) on delete cascade,
    database_id  uuid not null references databases (id) on delete cascade,
    primary key (key_id, database_id)
);

create index api_key_databases_database on api_key_databases (database_id);

-- Only the SHA-256 of an invitation's token is stored.
create table invitations (
    id           uuid primary key,
    tenant_id    uuid not null references tenants (id) on delete cascade,
    email        text not null,
    role         text not null,
    token_hash   bytea not null unique,
    invited_by   uuid references users (id) on delete set null,
    created_at   timestamptz not null,
    expires_at   timestamptz not null,
    redeemed_at  timestamptz
);

create index invitations_tenant on invitations (tenant_id);
