package dev.quiver.billing.rate;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.RequestKind;
import dev.quiver.common.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The shared token buckets in {@code quiver.request_buckets}, over {@link JdbcClient}. A lease is one conditional
 * {@code UPDATE ... RETURNING}: the row lock orders concurrent gateways, and each sees what the one before it left.
 *
 * <p>The time is the calling gateway's clock. A bucket's time never runs backwards ({@code greatest}), so a gateway
 * whose clock lags another's refills nothing until it catches up: clock skew can only under-admit.
 *
 * <p>Thread-safe.
 */
public class JdbcRequestBuckets implements RequestBuckets {

    /**
     * A lease, in steps: (1) the seconds since the bucket's time, none if this gateway's clock is behind it;
     * (2) refill at {@code limit} a second plus the tokens the gateway returns, capped at one second's worth;
     * (3) grant the slice if the bucket holds all of it, else nothing, so that gateways at the limit take whole
     * slices rather than making a trip per token (the 1e-9 absorbs the refill's rounding: 40 a second for 50 ms
     * must make 2 tokens, not 1.9999999); (4) decay the demand and add the requests the gateway saw.
     */
    private static final String LEASE = """
            update quiver.request_buckets b
            set (tokens, granted, demand, updated_at) = (
                select greatest(0, refilled.available - lease.granted), lease.granted, refilled.demand, elapsed.at
                from (select greatest(b.updated_at, cast(:now as timestamptz)) as at,
                             greatest(0, extract(epoch from (cast(:now as timestamptz) - b.updated_at)))::float8
                                 as seconds) elapsed,
                     lateral (select least(cast(:limit as float8),
                                           b.tokens + :returned + :limit * elapsed.seconds) as available,
                                     b.demand * exp(-least(elapsed.seconds, 60)) + :seen as demand) refilled,
                     lateral (select case when refilled.available + 1e-9 >= :wanted then cast(:wanted as bigint)
                                          else 0 end as granted) lease)
            where b.tenant_id = :tenantId and b.kind = :kind
            returning b.granted, b.tokens, b.demand
            """;
    /** A new bucket starts full, as a tenant that made no requests may burst one second's worth. */
    private static final String CREATE = """
            insert into quiver.request_buckets (tenant_id, kind, tokens, granted, demand, updated_at, created_at)
            values (:tenantId, :kind, :limit, 0, 0, :now, :now)
            on conflict (tenant_id, kind) do nothing
            """;

    private final JdbcClient jdbc;

    public JdbcRequestBuckets(JdbcClient jdbc) {
        this.jdbc = requireNonNull(jdbc, "jdbc is null");
    }

    @Override
    public Lease lease(TenantId tenant, RequestKind kind, long limit, long wanted, long returned, long seen,
            Instant now) {
        if (limit < 1 || wanted < 1 || wanted > limit) {
            throw new IllegalArgumentException("need 1 <= wanted <= limit: wanted " + wanted + ", limit " + limit);
        }
        if (returned < 0 || seen < 0) {
            throw new IllegalArgumentException("returned and seen must not be negative: " + returned + ", " + seen);
        }
        Optional<Lease> lease = update(tenant, kind, limit, wanted, returned, seen, now);
        if (lease.isPresent()) {
            return lease.get();
        }
        try {
            jdbc.sql(CREATE)
                    .param("tenantId", tenant.value())
                    .param("kind", key(kind))
                    .param("limit", (double) limit)
                    .param("now", Timestamp.from(now))
                    .update();
        } catch (DataIntegrityViolationException tenantDeleted) {
            // The tenant was deleted after its caller authenticated; the request goes on to find nothing.
            return new Lease(wanted, 0, seen);
        }
        // Empty only if the tenant was deleted since the insert, which removed its buckets too.
        return update(tenant, kind, limit, wanted, returned, seen, now).orElseGet(() -> new Lease(wanted, 0, seen));
    }

    private Optional<Lease> update(TenantId tenant, RequestKind kind, long limit, long wanted, long returned,
            long seen, Instant now) {
        return jdbc.sql(LEASE)
                .param("tenantId", tenant.value())
                .param("kind", key(kind))
                .param("limit", limit)
                .param("wanted", wanted)
                .param("returned", returned)
                .param("seen", seen)
                .param("now", Timestamp.from(now))
                .query(JdbcRequestBuckets::lease)
                .optional();
    }

    private static String key(RequestKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static Lease lease(ResultSet rs, int row) throws SQLException {
        return new Lease(rs.getLong("granted"), Math.max(0, rs.getDouble("tokens")), rs.getDouble("demand"));
    }
}
