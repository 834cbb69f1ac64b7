-- A collection's records and the bytes they take, kept by every write in the transaction that logs it (the row
-- lock taken to advance log_position serialises them). A tenant's storage is the sum over its collections.
-- Collections written before this migration start from zero and count from their next write on.
alter table collections add column record_count bigint not null default 0;
alter table collections add column stored_bytes bigint not null default 0;
