-- When storage was last sampled into byte-hours (issue #7). One row, locked by the process that samples, so that
-- with several gateways only one samples each interval and each interval is metered once.
create table metering_storage_samples (
    id          int primary key check (id = 1),
    sampled_at  timestamptz
);

insert into metering_storage_samples (id, sampled_at) values (1, null);
