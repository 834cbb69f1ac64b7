-- A collection's records and the bytes they take, kept by every write in the transaction that logs it (the row
-- lock taken to advance log_position serialises them). A tenant's storage is the sum over its collections.
alter table collections add column record_count bigint not null default 0;
alter table collections add column stored_bytes bigint not null default 0;
-- Whether the counters hold every batch of the log. Collections logged before this migration are recounted from
-- their logs at startup; empty ones and every collection created from now on count from their first write.
alter table collections add column counted boolean not null default false;
update collections set counted = true where log_position = 0;
alter table collections alter column counted set default true;
