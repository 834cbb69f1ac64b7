package dev.quiver.billing.usage;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Moves metering events from the outbox into the hourly and daily roll-ups.
 *
 * <p>Each chunk is one SQL statement, so one transaction:
 * 1. Take up to {@value #CHUNK} of the oldest events, locking them; {@code skip locked} leaves events another
 *    process is rolling up to that process, so several gateways roll up side by side without taking any twice.
 * 2. Delete them, returning what they held.
 * 3. Sum them per UTC hour and per UTC day, tenant, database and collection, and add the sums to the roll-up rows,
 *    in key order so that two processes lock shared rows in the same order and cannot deadlock.
 * The deletion and the additions commit together or not at all: an event is counted once, whatever crashes.
 *
 * <p>Thread-safe; meant to be called from one timer thread per process.
 */
public final class JdbcRollups {

    private static final Logger log = LoggerFactory.getLogger(JdbcRollups.class);

    /** Events per transaction: bounds how long a roll-up holds its locks. */
    static final int CHUNK = 10_000;

    private static final String ROLL_UP = """
            with taken as (
                delete from quiver.metering_events
                where id in (select id from quiver.metering_events order by id limit :chunk for update skip locked)
                returning tenant_id, database_id, collection_id, kind, units, occurred_at
            ), sums as (
                select periods.granularity, date_trunc(periods.granularity, taken.occurred_at, 'UTC') as period_start,
                       taken.tenant_id, taken.database_id, taken.collection_id,
                       coalesce(sum(taken.units) filter (where taken.kind = 'read'), 0) as read_units,
                       coalesce(sum(taken.units) filter (where taken.kind = 'write'), 0) as write_units,
                       coalesce(sum(taken.units) filter (where taken.kind = 'storage'), 0) as storage_byte_hours,
                       coalesce(sum(taken.units) filter (where taken.kind = 'embedding'), 0) as embedding_units,
                       count(*) as events
                from taken cross join (values ('hour'), ('day')) as periods (granularity)
                group by periods.granularity, period_start, taken.tenant_id, taken.database_id, taken.collection_id
            ), added as (
                insert into quiver.usage_rollups (granularity, period_start, tenant_id, database_id, collection_id,
                    read_units, write_units, storage_byte_hours, embedding_units)
                select granularity, period_start, tenant_id, database_id, collection_id, read_units, write_units,
                       storage_byte_hours, embedding_units
                from sums
                order by tenant_id, granularity, period_start, database_id, collection_id
                on conflict (tenant_id, granularity, period_start, database_id, collection_id) do update set
                    read_units = usage_rollups.read_units + excluded.read_units,
                    write_units = usage_rollups.write_units + excluded.write_units,
                    storage_byte_hours = usage_rollups.storage_byte_hours + excluded.storage_byte_hours,
                    embedding_units = usage_rollups.embedding_units + excluded.embedding_units
            )
            select coalesce(sum(events), 0) from sums where granularity = 'hour'
            """;

    private final JdbcClient jdbc;
    private final Timer timer;
    private final Counter rolledUp;

    public JdbcRollups(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = requireNonNull(jdbc, "jdbc is null");
        this.timer = Timer.builder("quiver.billing.metering.rollup")
                .description("One roll-up of the metering outbox into hourly and daily usage")
                .register(meters);
        this.rolledUp = Counter.builder("quiver.billing.metering.events")
                .description("Metering events rolled up into usage")
                .register(meters);
    }

    /** Rolls up every event the outbox holds now, chunk by chunk; returns how many it rolled up. */
    public long rollUp() {
        return timer.record(() -> {
            long total = 0;
            long chunk;
            do {
                chunk = jdbc.sql(ROLL_UP).param("chunk", CHUNK).query(Long.class).single();
                total += chunk;
            } while (chunk == CHUNK);
            rolledUp.increment(total);
            if (total > 0) {
                log.debug("Rolled up {} metering events", total);
            }
            return total;
        });
    }
}
