-- Embedding units (issue #9): one per text the server embeds. A kind of metering event of its own, rolled up into
-- its own column; events and roll-ups of the other kinds are unchanged.
alter table metering_events drop constraint metering_events_kind_check;
alter table metering_events add constraint metering_events_kind_check
    check (kind in ('read', 'write', 'storage', 'embedding'));

alter table usage_rollups add column embedding_units bigint not null default 0;
