package dev.quiver.billing.plan;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.Plan;
import dev.quiver.billing.api.Plans;
import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.TenantLimits;
import dev.quiver.common.AuditEvent;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Plans, assignments and overrides in the control-plane schema, over {@link JdbcClient}, with every tenant's
 * effective limits cached in memory: the gateway asks for them on every write, and they change only when an
 * operator acts.
 *
 * <p>The cache is cleared by every change made here, once when the change is made and again after it commits, so
 * a lookup that read the old rows while the change was in flight is not kept. A lookup caches its answer only if
 * no change started since it began (a generation counter), so an answer read before a change never outlives it.
 * This is exact when this process is the only writer of these tables (standalone mode). When other gateways share
 * the PostgreSQL ({@code cacheTtl} set), their changes clear nothing here, so an entry is also dropped once it is
 * older than the time-to-live: an operator's change made through another gateway holds here within that time. A
 * time-to-live rather than a {@code NOTIFY}: it needs no listening connection to keep alive and reconnect, and one
 * re-read per tenant and time-to-live costs four small queries.
 *
 * <p>Thread-safe.
 */
public class JdbcPlans implements Plans {

    private static final Logger log = LoggerFactory.getLogger(JdbcPlans.class);

    private static final String PLAN_COLUMNS = """
            name, monthly_fee, currency, read_unit_price, write_unit_price, storage_gib_month_price,
            included_read_units, included_write_units, included_storage_gib_months, embedding_unit_price,
            included_embedding_units
            """;
    private static final String LIST_PLANS = "select " + PLAN_COLUMNS + " from quiver.plans";
    private static final String LIST_PLAN_QUOTAS = """
            select plan_name, quota, quota_limit from quiver.plan_quotas
            """;
    private static final String UPSERT_PLAN = """
            insert into quiver.plans (name, monthly_fee, currency, read_unit_price, write_unit_price,
                storage_gib_month_price, included_read_units, included_write_units, included_storage_gib_months,
                embedding_unit_price, included_embedding_units, created_at, updated_at)
            values (:name, :monthlyFee, :currency, :readUnitPrice, :writeUnitPrice, :storageGibMonthPrice,
                :includedReadUnits, :includedWriteUnits, :includedStorageGibMonths, :embeddingUnitPrice,
                :includedEmbeddingUnits, :now, :now)
            on conflict (name) do update set monthly_fee = excluded.monthly_fee, currency = excluded.currency,
                read_unit_price = excluded.read_unit_price, write_unit_price = excluded.write_unit_price,
                storage_gib_month_price = excluded.storage_gib_month_price,
                included_read_units = excluded.included_read_units,
                included_write_units = excluded.included_write_units,
                included_storage_gib_months = excluded.included_storage_gib_months,
                embedding_unit_price = excluded.embedding_unit_price,
                included_embedding_units = excluded.included_embedding_units, updated_at = excluded.updated_at
            """;
    private static final String UPSERT_PLAN_QUOTA = """
            insert into quiver.plan_quotas (plan_name, quota, quota_limit) values (:plan, :quota, :limit)
            on conflict (plan_name, quota) do update set quota_limit = excluded.quota_limit
            """;
    private static final String FIND_TENANT_PLAN = """
            select plan_name from quiver.tenant_plans where tenant_id = :tenantId
            """;
    private static final String ASSIGN = """
            insert into quiver.tenant_plans (tenant_id, plan_name, assigned_at) values (:tenantId, :plan, :now)
            on conflict (tenant_id) do update set plan_name = excluded.plan_name, assigned_at = excluded.assigned_at
            """;
    private static final String ASSIGN_IF_NONE = """
            insert into quiver.tenant_plans (tenant_id, plan_name, assigned_at) values (:tenantId, :plan, :now)
            on conflict (tenant_id) do nothing
            """;
    /** Ends the plan the tenant is on in its history, unless it is the one it is put on again. */
    private static final String CLOSE_HISTORY = """
            update quiver.tenant_plan_history set valid_to = :now
            where tenant_id = :tenantId and valid_to is null and plan_name <> :plan
            """;
    /** Opens the new plan's period, unless it is already the open one (a repeated assignment). */
    private static final String OPEN_HISTORY = """
            insert into quiver.tenant_plan_history (tenant_id, plan_name, valid_from)
            select :tenantId, :plan, :now
            where not exists (select 1 from quiver.tenant_plan_history where tenant_id = :tenantId and valid_to is null)
            """;
    private static final String LIST_OVERRIDES = """
            select quota, quota_limit from quiver.tenant_quota_overrides where tenant_id = :tenantId
            """;
    private static final String SET_OVERRIDE = """
            insert into quiver.tenant_quota_overrides (tenant_id, quota, quota_limit, created_at)
            values (:tenantId, :quota, :limit, :now)
            on conflict (tenant_id, quota) do update set quota_limit = excluded.quota_limit
            """;
    private static final String CLEAR_OVERRIDE = """
            delete from quiver.tenant_quota_overrides where tenant_id = :tenantId and quota = :quota
            """;

    private final JdbcClient jdbc;
    private final TenantCatalog tenants;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final String defaultPlan;
    private final String defaultTenantPlan;
    /** How long an entry is trusted when other processes may change plans; null when this process is the only one. */
    private final @Nullable Duration cacheTtl;
    private final ConcurrentHashMap<TenantId, CachedLimits> limitsByTenant = new ConcurrentHashMap<>();
    /** Bumped by every change; a lookup caches its answer only if it is unchanged since the lookup began. */
    private final AtomicLong generation = new AtomicLong();

    /**
     * @param defaultPlan       the plan of a tenant with no assignment, as new sign-ups are
     * @param defaultTenantPlan the plan {@value TenantCatalog#DEFAULT_TENANT} gets on the first start
     * @param cacheTtl          how long a tenant's cached limits are trusted when other processes share the
     *                          PostgreSQL and may change plans; null when this process is its only writer
     */
    public JdbcPlans(JdbcClient jdbc, TenantCatalog tenants, ApplicationEventPublisher events, Clock clock,
            String defaultPlan, String defaultTenantPlan, @Nullable Duration cacheTtl) {
        this.jdbc = requireNonNull(jdbc, "jdbc is null");
        this.tenants = requireNonNull(tenants, "tenants is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.defaultPlan = requireNonNull(defaultPlan, "defaultPlan is null");
        this.defaultTenantPlan = requireNonNull(defaultTenantPlan, "defaultTenantPlan is null");
        if (cacheTtl != null && !cacheTtl.isPositive()) {
            throw new IllegalArgumentException("cacheTtl must be positive: " + cacheTtl);
        }
        this.cacheTtl = cacheTtl;
    }

    /**
     * Checks that the configured plans exist and puts the default tenant (standalone use, benchmarks, local Chroma
     * clients) on its plan unless an operator already chose one. Runs once at start-up, after the tenant catalogue
     * created the default tenant.
     */
    public void initialize() {
        if (find(defaultPlan).isEmpty()) {
            throw new IllegalStateException("quiver.billing.default-plan names no plan: " + defaultPlan);
        }
        if (find(defaultTenantPlan).isEmpty()) {
            throw new IllegalStateException("quiver.billing.default-tenant-plan names no plan: " + defaultTenantPlan);
        }
        TenantView tenant = tenants.findTenant(TenantCatalog.DEFAULT_TENANT).orElse(null);
        if (tenant != null) {
            Timestamp now = Timestamp.from(clock.instant());
            int assigned = jdbc.sql(ASSIGN_IF_NONE)
                    .param("tenantId", tenant.id().value())
                    .param("plan", defaultTenantPlan)
                    .param("now", now)
                    .update();
            if (assigned == 1) {
                recordHistory(tenant, defaultTenantPlan, now);
            }
            changed();
        }
    }

    @Override
    public List<Plan> list() {
        Map<String, EnumMap<Quota, Long>> quotas = new LinkedHashMap<>();
        jdbc.sql(LIST_PLAN_QUOTAS).query(rs -> {
            Quota quota = Quota.fromKey(rs.getString("quota")).orElse(null);
            // A quota key this version does not know (written by a newer one) is skipped.
            if (quota != null) {
                long limit = rs.getLong("quota_limit");
                quotas.computeIfAbsent(rs.getString("plan_name"), name -> new EnumMap<>(Quota.class))
                        .put(quota, limit);
            }
        });
        List<Plan> plans = new ArrayList<>();
        for (PlanRow row : jdbc.sql(LIST_PLANS).query(JdbcPlans::planRow).list()) {
            EnumMap<Quota, Long> limits = quotas.getOrDefault(row.name(), new EnumMap<>(Quota.class));
            if (limits.size() != Quota.values().length) {
                throw new IllegalStateException("plan " + row.name() + " lacks quotas; it has " + limits.keySet());
            }
            plans.add(new Plan(row.name(), row.monthlyFee(), row.currency(), row.readUnitPrice(),
                    row.writeUnitPrice(), row.storageGibMonthPrice(), row.includedReadUnits(),
                    row.includedWriteUnits(), row.includedStorageGibMonths(), row.embeddingUnitPrice(),
                    row.includedEmbeddingUnits(), limits));
        }
        plans.sort(Comparator.comparingLong(Plan::monthlyFee).thenComparing(Plan::name));
        return plans;
    }

    @Override
    public Optional<Plan> find(String name) {
        return list().stream().filter(plan -> plan.name().equals(name)).findFirst();
    }

    @Override
    @Transactional
    public Plan save(Principal operator, Plan plan) {
        requireOperator(operator);
        PlanRules.check(plan);
        changed();
        jdbc.sql(UPSERT_PLAN)
                .param("name", plan.name())
                .param("monthlyFee", plan.monthlyFee())
                .param("currency", plan.currency())
                .param("readUnitPrice", plan.readUnitPrice())
                .param("writeUnitPrice", plan.writeUnitPrice())
                .param("storageGibMonthPrice", plan.storageGibMonthPrice())
                .param("includedReadUnits", plan.includedReadUnits())
                .param("includedWriteUnits", plan.includedWriteUnits())
                .param("includedStorageGibMonths", plan.includedStorageGibMonths())
                .param("embeddingUnitPrice", plan.embeddingUnitPrice())
                .param("includedEmbeddingUnits", plan.includedEmbeddingUnits())
                .param("now", Timestamp.from(clock.instant()))
                .update();
        for (Map.Entry<Quota, Long> limit : plan.limits().entrySet()) {
            jdbc.sql(UPSERT_PLAN_QUOTA)
                    .param("plan", plan.name())
                    .param("quota", limit.getKey().key())
                    .param("limit", limit.getValue())
                    .update();
        }
        log.info("Plan {} saved by {}", plan.name(), operator.actor());
        return plan;
    }

    @Override
    @Transactional
    public void assign(Principal operator, TenantView tenant, String plan) {
        requireOperator(operator);
        if (find(plan).isEmpty()) {
            throw QuiverException.invalidField(ErrorCode.NOT_FOUND, "plan", "exists", "Plan [" + plan + "] not found");
        }
        changed();
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql(ASSIGN)
                .param("tenantId", tenant.id().value())
                .param("plan", plan)
                .param("now", now)
                .update();
        recordHistory(tenant, plan, now);
        events.publishEvent(new AuditEvent(tenant.id(), operator.actor(), "plan.assigned", "plan:" + plan));
        log.info("Tenant {} ({}) put on plan {} by {}", tenant.name(), tenant.id(), plan, operator.actor());
    }

    @Override
    @Transactional
    public void override(Principal operator, TenantView tenant, Quota quota, @Nullable Long limit) {
        requireOperator(operator);
        requireNonNull(quota, "quota is null");
        changed();
        if (limit == null) {
            jdbc.sql(CLEAR_OVERRIDE)
                    .param("tenantId", tenant.id().value())
                    .param("quota", quota.key())
                    .update();
            events.publishEvent(new AuditEvent(tenant.id(), operator.actor(), "quota.override.cleared",
                    "quota:" + quota.key()));
        } else {
            PlanRules.checkOverride(limit);
            jdbc.sql(SET_OVERRIDE)
                    .param("tenantId", tenant.id().value())
                    .param("quota", quota.key())
                    .param("limit", limit)
                    .param("now", Timestamp.from(clock.instant()))
                    .update();
            events.publishEvent(new AuditEvent(tenant.id(), operator.actor(), "quota.overridden",
                    "quota:" + quota.key() + "=" + limit));
        }
        log.info("Tenant {} ({}) quota {} set to {} by {}", tenant.name(), tenant.id(), quota.key(),
                limit == null ? "the plan's" : limit, operator.actor());
    }

    @Override
    public TenantLimits limits(TenantView tenant) {
        Instant now = clock.instant();
        CachedLimits cached = limitsByTenant.get(tenant.id());
        if (cached != null && (cacheTtl == null || now.isBefore(cached.loadedAt().plus(cacheTtl)))) {
            return cached.limits();
        }
        long started = generation.get();
        String planName = jdbc.sql(FIND_TENANT_PLAN).param("tenantId", tenant.id().value()).query(String.class)
                .optional().orElse(defaultPlan);
        Plan plan = find(planName)
                .orElseThrow(() -> new IllegalStateException("tenant " + tenant.id() + " is on no known plan: "
                        + planName));
        EnumMap<Quota, Long> overrides = new EnumMap<>(Quota.class);
        jdbc.sql(LIST_OVERRIDES).param("tenantId", tenant.id().value()).query(rs -> {
            Quota quota = Quota.fromKey(rs.getString("quota")).orElse(null);
            if (quota != null) {
                overrides.put(quota, rs.getLong("quota_limit"));
            }
        });
        TenantLimits limits = TenantLimits.of(plan, overrides);
        if (generation.get() == started) {
            limitsByTenant.put(tenant.id(), new CachedLimits(limits, now));
            // A change that began after the check above has bumped the generation and cleared the map; clear what
            // this put may have re-added.
            if (generation.get() != started) {
                limitsByTenant.remove(tenant.id());
            }
        }
        return limits;
    }

    /**
     * Writes the assignment into the plan history that invoices read, in the assignment's transaction: 1. ends the
     * open period if it is another plan's; 2. opens one for the new plan if none is open. Putting a tenant on the
     * plan it is on changes nothing, so its invoice shows no split there.
     */
    private void recordHistory(TenantView tenant, String plan, Timestamp now) {
        jdbc.sql(CLOSE_HISTORY).param("tenantId", tenant.id().value()).param("plan", plan).param("now", now).update();
        jdbc.sql(OPEN_HISTORY).param("tenantId", tenant.id().value()).param("plan", plan).param("now", now).update();
    }

    /** Clears the cache now and, inside a transaction, again once it has completed. */
    private void changed() {
        clear();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    clear();
                }
            });
        }
    }

    private void clear() {
        generation.incrementAndGet();
        limitsByTenant.clear();
    }

    private static void requireOperator(Principal principal) {
        if (!principal.operator()) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "Only platform operators manage plans");
        }
    }

    /** A tenant's limits and when they were read, which the time-to-live counts from. */
    private record CachedLimits(TenantLimits limits, Instant loadedAt) {
    }

    private record PlanRow(String name, long monthlyFee, String currency, long readUnitPrice, long writeUnitPrice,
            long storageGibMonthPrice, long includedReadUnits, long includedWriteUnits,
            long includedStorageGibMonths, long embeddingUnitPrice, long includedEmbeddingUnits) {
    }

    private static PlanRow planRow(ResultSet rs, int row) throws SQLException {
        return new PlanRow(rs.getString("name"), rs.getLong("monthly_fee"), rs.getString("currency"),
                rs.getLong("read_unit_price"), rs.getLong("write_unit_price"),
                rs.getLong("storage_gib_month_price"), rs.getLong("included_read_units"),
                rs.getLong("included_write_units"), rs.getLong("included_storage_gib_months"),
                rs.getLong("embedding_unit_price"), rs.getLong("included_embedding_units"));
    }
}
