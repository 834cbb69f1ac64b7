package dev.quiver.billing.invoice;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.Invoice;
import dev.quiver.billing.api.InvoiceId;
import dev.quiver.billing.api.InvoiceLine;
import dev.quiver.billing.api.InvoiceStatus;
import dev.quiver.billing.api.Invoices;
import dev.quiver.billing.api.Plan;
import dev.quiver.billing.api.Plans;
import dev.quiver.billing.api.Usage;
import dev.quiver.billing.invoice.InvoiceCalculator.Assignment;
import dev.quiver.billing.invoice.InvoiceCalculator.Computed;
import dev.quiver.billing.invoice.InvoiceCalculator.PlanPeriod;
import dev.quiver.common.AuditEvent;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * Invoices and their lines in the control-plane schema, over {@link JdbcClient}. A month's invoice is computed by
 * {@link InvoiceCalculator} from the tenant's plan history and its hourly usage roll-ups, and saved with its lines
 * in one transaction.
 *
 * <p>Invariants: at most one invoice per tenant and month is not void (a partial unique index, so several gateways
 * generating at once find the first one instead of adding a second); only a draft's lines and total change, and
 * only by generating it again; an issued or paid invoice changes only its status. Prices are the plans' at the
 * time the invoice is generated: plans keep no history of their prices, only tenants of their plans.
 *
 * <p>Thread-safe.
 */
public class JdbcInvoices implements Invoices {

    private static final Logger log = LoggerFactory.getLogger(JdbcInvoices.class);

    private static final String TENANT_CREATED = """
            select created_at from quiver.tenants where id = :tenantId
            """;
    private static final String HISTORY = """
            select plan_name, valid_from, valid_to from quiver.tenant_plan_history
            where tenant_id = :tenantId and valid_from < :to and (valid_to is null or valid_to > :from)
            order by valid_from, id
            """;
    private static final String COLUMNS = """
            id, tenant_id, tenant_name, period_start, currency, status, total, created_at, updated_at, issued_at,
            paid_at, voided_at
            """;
    private static final String LOCK_CURRENT = "select " + COLUMNS + """
            from quiver.invoices where tenant_id = :tenantId and period_start = :periodStart and status <> 'void'
            for update
            """;
    private static final String ANY_FOR_MONTH = """
            select exists (select 1 from quiver.invoices where tenant_id = :tenantId and period_start = :periodStart)
            """;
    private static final String INSERT_DRAFT = """
            insert into quiver.invoices (id, tenant_id, tenant_name, period_start, period_end, currency, status,
                total, created_at, updated_at)
            values (:id, :tenantId, :tenantName, :periodStart, :periodEnd, :currency, 'draft', :total, :now, :now)
            on conflict (tenant_id, period_start) where status <> 'void' do nothing
            """;
    private static final String UPDATE_DRAFT = """
            update quiver.invoices set tenant_name = :tenantName, currency = :currency, total = :total,
                updated_at = :now
            where id = :id and status = 'draft'
            """;
    private static final String DELETE_LINES = "delete from quiver.invoice_lines where invoice_id = :id";
    private static final String INSERT_LINE = """
            insert into quiver.invoice_lines (invoice_id, position, kind, plan_name, description, period_start,
                period_end, quantity, unit, unit_price, amount)
            values (:id, :position, :kind, :plan, :description, :periodStart, :periodEnd, :quantity, :unit,
                :unitPrice, :amount)
            """;
    private static final String FIND = "select " + COLUMNS + " from quiver.invoices where id = :id";
    private static final String LIST = "select " + COLUMNS + """
            from quiver.invoices where tenant_id = :tenantId order by period_start desc, created_at desc
            """;
    private static final String LINE_COLUMNS = """
            l.invoice_id, l.position, l.kind, l.plan_name, l.description, l.period_start, l.period_end, l.quantity,
            l.unit, l.unit_price, l.amount
            """;
    private static final String LINES = "select " + LINE_COLUMNS + """
            from quiver.invoice_lines l where l.invoice_id = :id order by l.position
            """;
    private static final String TENANT_LINES = "select " + LINE_COLUMNS + """
            from quiver.invoice_lines l join quiver.invoices i on i.id = l.invoice_id
            where i.tenant_id = :tenantId order by l.invoice_id, l.position
            """;
    /** Conditional on the status read before, so two operators racing cannot both move the same invoice. */
    private static final String TO_ISSUED = """
            update quiver.invoices set status = 'issued', issued_at = :now, updated_at = :now
            where id = :id and status = :current
            """;
    private static final String TO_PAID = """
            update quiver.invoices set status = 'paid', paid_at = :now, updated_at = :now
            where id = :id and status = :current
            """;
    private static final String TO_VOID = """
            update quiver.invoices set status = 'void', voided_at = :now, updated_at = :now
            where id = :id and status = :current
            """;

    private final JdbcClient jdbc;
    private final Plans plans;
    private final Usage usage;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final String defaultPlan;

    /** @param defaultPlan the plan of a tenant at the times its plan history does not cover */
    public JdbcInvoices(JdbcClient jdbc, Plans plans, Usage usage, ApplicationEventPublisher events, Clock clock,
            String defaultPlan) {
        this.jdbc = requireNonNull(jdbc, "jdbc is null");
        this.plans = requireNonNull(plans, "plans is null");
        this.usage = requireNonNull(usage, "usage is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.defaultPlan = requireNonNull(defaultPlan, "defaultPlan is null");
    }

    @Override
    @Transactional
    public Invoice generate(Principal operator, TenantView tenant, YearMonth month) {
        requireOperator(operator);
        Instant now = clock.instant();
        Instant end = InvoiceCalculator.start(month.plusMonths(1));
        if (end.isAfter(now)) {
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, "month", "ended",
                    "month must have ended: " + month + " ends at " + end);
        }
        Computed computed = compute(tenant, month).orElseThrow(() -> QuiverException.invalidField(
                ErrorCode.INVALID_ARGUMENT, "month", "tenant-existed",
                "Tenant [" + tenant.name() + "] did not exist in " + month));
        InvoiceId id = saveDraft(tenant, month, computed, now, true).orElseThrow();
        events.publishEvent(new AuditEvent(tenant.id(), operator.actor(), "invoice.generated", "invoice:" + id));
        log.info("Invoice {} for tenant {} ({}) and {} generated by {}: {} {}", id, tenant.name(), tenant.id(),
                month, operator.actor(), computed.total(), computed.currency());
        return read(id).orElseThrow();
    }

    /**
     * The month-end run's step for one tenant: unless the month has an invoice already, in any status (an
     * operator's draft is the operator's to issue, and a voided month stays voided until an operator generates it
     * again), computes it and saves it as a draft, issued at once when {@code issue}.
     *
     * @return the invoice made, or empty when there was one already or the tenant did not exist in the month
     */
    @Transactional
    public Optional<Invoice> generateAtMonthEnd(TenantView tenant, YearMonth month, boolean issue) {
        Instant periodStart = InvoiceCalculator.start(month);
        boolean exists = jdbc.sql(ANY_FOR_MONTH)
                .param("tenantId", tenant.id().value())
                .param("periodStart", Timestamp.from(periodStart))
                .query(Boolean.class).single();
        if (exists) {
            return Optional.empty();
        }
        Optional<Computed> computed = compute(tenant, month);
        if (computed.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Optional<InvoiceId> id = saveDraft(tenant, month, computed.get(), now, false);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        if (issue) {
            move(id.get(), InvoiceStatus.DRAFT, InvoiceStatus.ISSUED, now);
        }
        events.publishEvent(new AuditEvent(tenant.id(), "system", issue ? "invoice.issued" : "invoice.generated",
                "invoice:" + id.get()));
        return read(id.get());
    }

    @Override
    public List<Invoice> list(Principal caller, TenantView tenant) {
        boolean drafts = mayRead(caller, tenant.id());
        Map<UUID, List<InvoiceLine>> lines = new HashMap<>();
        jdbc.sql(TENANT_LINES).param("tenantId", tenant.id().value()).query(rs -> {
            lines.computeIfAbsent(rs.getObject("invoice_id", UUID.class), key -> new ArrayList<>()).add(line(rs));
        });
        List<Invoice> invoices = new ArrayList<>();
        for (InvoiceRow row : jdbc.sql(LIST).param("tenantId", tenant.id().value()).query(JdbcInvoices::row)
                .list()) {
            if (drafts || row.status() != InvoiceStatus.DRAFT) {
                invoices.add(row.invoice(lines.getOrDefault(row.id().value(), List.of())));
            }
        }
        return invoices;
    }

    @Override
    public Optional<Invoice> find(Principal caller, InvoiceId id) {
        if (!caller.operator()) {
            caller.require(Privilege.BILLING_READ);
        }
        return read(id).filter(invoice -> caller.operator()
                || (caller.tenant() != null && caller.tenant().id().equals(invoice.tenant())
                        && invoice.status() != InvoiceStatus.DRAFT));
    }

    @Override
    @Transactional
    public Invoice transition(Principal operator, InvoiceId id, InvoiceStatus next) {
        requireOperator(operator);
        Invoice invoice = read(id).orElseThrow(() -> new QuiverException(ErrorCode.NOT_FOUND,
                "Invoice [" + id + "] not found"));
        if (!invoice.status().canBecome(next)) {
            throw new QuiverException(ErrorCode.CONFLICT, "Invoice [" + id + "] is " + invoice.status().key()
                    + " and cannot become " + next.key() + ": " + InvoiceStatus.rule());
        }
        if (!move(id, invoice.status(), next, clock.instant())) {
            throw new QuiverException(ErrorCode.CONFLICT, "Invoice [" + id + "] changed while it was moved to "
                    + next.key() + "; look at it again");
        }
        events.publishEvent(new AuditEvent(invoice.tenant(), operator.actor(), "invoice." + past(next),
                "invoice:" + id));
        log.info("Invoice {} of tenant {} for {} {} by {}", id, invoice.tenant(), invoice.month(), past(next),
                operator.actor());
        return read(id).orElseThrow();
    }

    /** The month's lines, or empty when the tenant did not exist in it. */
    private Optional<Computed> compute(TenantView tenant, YearMonth month) {
        Instant start = InvoiceCalculator.start(month);
        Instant end = InvoiceCalculator.start(month.plusMonths(1));
        Timestamp created = jdbc.sql(TENANT_CREATED).param("tenantId", tenant.id().value()).query(Timestamp.class)
                .optional().orElse(null);
        if (created == null) {
            return Optional.empty();
        }
        // The hour the tenant was created in is billed whole: its usage in that hour is rolled up from its start.
        Instant from = max(start, created.toInstant().truncatedTo(ChronoUnit.HOURS));
        if (!from.isBefore(end)) {
            return Optional.empty();
        }
        List<Assignment> history = jdbc.sql(HISTORY)
                .param("tenantId", tenant.id().value())
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(end))
                .query((rs, row) -> new Assignment(rs.getString("plan_name"),
                        rs.getTimestamp("valid_from").toInstant(), instant(rs.getTimestamp("valid_to"))))
                .list();
        Map<String, Plan> byName = new LinkedHashMap<>();
        for (Plan plan : plans.list()) {
            byName.put(plan.name(), plan);
        }
        List<PlanPeriod> periods = InvoiceCalculator.periods(from, end, history, byName, defaultPlan);
        TenantId tenantId = tenant.id();
        return Optional.of(InvoiceCalculator.compute(month, periods,
                (periodFrom, periodTo) -> usage.totals(tenantId, periodFrom, periodTo)));
    }

    /**
     * Saves the computed invoice as the month's draft: 1. locks the month's invoice that is not void, if any;
     * 2. without one, inserts a draft, which a concurrent insert may beat (the unique index), in which case the
     * winner is locked and treated as found; 3. a found draft gets the new total and lines when {@code replace},
     * and anything else is refused (on demand) or left alone (month end).
     *
     * @return the draft's id, or empty when the month end found an invoice there
     */
    private Optional<InvoiceId> saveDraft(TenantView tenant, YearMonth month, Computed computed, Instant now,
            boolean replace) {
        Instant periodStart = InvoiceCalculator.start(month);
        InvoiceRow current = lockCurrent(tenant.id(), periodStart).orElse(null);
        if (current == null) {
            InvoiceId id = new InvoiceId(UUID.randomUUID());
            int inserted = jdbc.sql(INSERT_DRAFT)
                    .param("id", id.value())
                    .param("tenantId", tenant.id().value())
                    .param("tenantName", tenant.name())
                    .param("periodStart", Timestamp.from(periodStart))
                    .param("periodEnd", Timestamp.from(InvoiceCalculator.start(month.plusMonths(1))))
                    .param("currency", computed.currency())
                    .param("total", computed.total())
                    .param("now", Timestamp.from(now))
                    .update();
            if (inserted == 1) {
                insertLines(id, computed.lines());
                return Optional.of(id);
            }
            current = lockCurrent(tenant.id(), periodStart).orElseThrow(() -> new IllegalStateException(
                    "an invoice of tenant " + tenant.id() + " for " + month + " blocked the insert and vanished"));
        }
        if (!replace) {
            return Optional.empty();
        }
        if (current.status() != InvoiceStatus.DRAFT) {
            throw new QuiverException(ErrorCode.CONFLICT, "The invoice for " + month + " is "
                    + current.status().key() + " and an issued invoice never changes; void it to invoice the month "
                    + "again");
        }
        jdbc.sql(UPDATE_DRAFT)
                .param("id", current.id().value())
                .param("tenantName", tenant.name())
                .param("currency", computed.currency())
                .param("total", computed.total())
                .param("now", Timestamp.from(now))
                .update();
        jdbc.sql(DELETE_LINES).param("id", current.id().value()).update();
        insertLines(current.id(), computed.lines());
        return Optional.of(current.id());
    }

    private Optional<InvoiceRow> lockCurrent(TenantId tenant, Instant periodStart) {
        return jdbc.sql(LOCK_CURRENT)
                .param("tenantId", tenant.value())
                .param("periodStart", Timestamp.from(periodStart))
                .query(JdbcInvoices::row)
                .optional();
    }

    private void insertLines(InvoiceId id, List<InvoiceLine> lines) {
        for (InvoiceLine line : lines) {
            jdbc.sql(INSERT_LINE)
                    .param("id", id.value())
                    .param("position", line.position())
                    .param("kind", line.kind().key())
                    .param("plan", line.plan())
                    .param("description", line.description())
                    .param("periodStart", Timestamp.from(line.periodStart()))
                    .param("periodEnd", Timestamp.from(line.periodEnd()))
                    .param("quantity", line.quantity())
                    .param("unit", line.unit())
                    .param("unitPrice", line.unitPrice())
                    .param("amount", line.amount())
                    .update();
        }
    }

    private boolean move(InvoiceId id, InvoiceStatus current, InvoiceStatus next, Instant now) {
        String sql = switch (next) {
            case ISSUED -> TO_ISSUED;
            case PAID -> TO_PAID;
            case VOID -> TO_VOID;
            case DRAFT -> throw new IllegalArgumentException("no invoice becomes a draft again: " + id);
        };
        return jdbc.sql(sql)
                .param("id", id.value())
                .param("current", current.key())
                .param("now", Timestamp.from(now))
                .update() == 1;
    }

    private Optional<Invoice> read(InvoiceId id) {
        Optional<InvoiceRow> row = jdbc.sql(FIND).param("id", id.value()).query(JdbcInvoices::row).optional();
        if (row.isEmpty()) {
            return Optional.empty();
        }
        List<InvoiceLine> lines = jdbc.sql(LINES).param("id", id.value()).query((rs, number) -> line(rs)).list();
        return Optional.of(row.get().invoice(lines));
    }

    /**
     * Whether the caller may read the tenant's invoices, and drafts too: operators see every invoice; the tenant's
     * own members with {@code billing.read} all but drafts; anyone else is refused.
     */
    private static boolean mayRead(Principal caller, TenantId tenant) {
        if (caller.operator()) {
            return true;
        }
        if (caller.tenant() == null || !caller.tenant().id().equals(tenant)) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "A tenant sees only its own invoices");
        }
        caller.require(Privilege.BILLING_READ);
        return false;
    }

    private static void requireOperator(Principal principal) {
        if (!principal.operator()) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "Only platform operators manage invoices");
        }
    }

    private static String past(InvoiceStatus status) {
        return switch (status) {
            case DRAFT -> "drafted";
            case ISSUED -> "issued";
            case PAID -> "paid";
            case VOID -> "voided";
        };
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private record InvoiceRow(InvoiceId id, TenantId tenant, String tenantName, YearMonth month, String currency,
            InvoiceStatus status, long total, Instant createdAt, Instant updatedAt, @Nullable Instant issuedAt,
            @Nullable Instant paidAt, @Nullable Instant voidedAt) {

        Invoice invoice(List<InvoiceLine> lines) {
            return new Invoice(id, tenant, tenantName, month, currency, status, total, lines, createdAt, updatedAt,
                    issuedAt, paidAt, voidedAt);
        }
    }

    private static InvoiceRow row(ResultSet rs, int row) throws SQLException {
        String status = rs.getString("status");
        return new InvoiceRow(new InvoiceId(rs.getObject("id", UUID.class)),
                new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getString("tenant_name"),
                YearMonth.from(rs.getTimestamp("period_start").toInstant().atOffset(ZoneOffset.UTC)),
                rs.getString("currency"),
                InvoiceStatus.fromKey(status).orElseThrow(() -> new IllegalStateException("unknown status " + status)),
                rs.getLong("total"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), instant(rs.getTimestamp("issued_at")),
                instant(rs.getTimestamp("paid_at")), instant(rs.getTimestamp("voided_at")));
    }

    private static InvoiceLine line(ResultSet rs) throws SQLException {
        String kind = rs.getString("kind");
        return new InvoiceLine(rs.getInt("position"),
                InvoiceLine.Kind.fromKey(kind).orElseThrow(() -> new IllegalStateException("unknown kind " + kind)),
                rs.getString("plan_name"), rs.getString("description"), rs.getTimestamp("period_start").toInstant(),
                rs.getTimestamp("period_end").toInstant(), rs.getLong("quantity"), rs.getString("unit"),
                rs.getLong("unit_price"), rs.getLong("amount"));
    }
}
