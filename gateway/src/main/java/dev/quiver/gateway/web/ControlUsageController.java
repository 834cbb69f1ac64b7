package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;
import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.billing.api.Granularity;
import dev.quiver.billing.api.Usage;
import dev.quiver.billing.api.UsageRow;
import dev.quiver.billing.api.UsageTotals;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantAdministration;
import dev.quiver.tenant.api.TenantView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Metered usage on the control plane: a tenant's members with {@code billing.read} read their own tenant's at
 * {@code /api/control/v1/usage}, operators any tenant's under {@code /api/control/v1/operator} (the operator check
 * comes before any lookup; an unknown tenant is 404). Both answer the roll-ups whose period starts in
 * {@code [from, to)}, with totals that are the sum of the rows. Bad input is 400 naming the field and the rule.
 */
@RestController
class ControlUsageController {

    /** The longest range one request may span: a bit over a year, enough to compare a month with last year's. */
    static final Duration MAX_RANGE = Duration.ofDays(400);

    private static final String DESCRIPTION = """
            Usage rolled up per UTC hour or day and per database and collection. Units: write units are \
            ceil(bytes logged / 1024) per batch written (add, upsert, update, delete); read units are, per query \
            vector, ceil(max(n_results, ef_search) x dimension / 16384) plus one per record returned, one per \
            record a get returns, and 1 per count, at least 1 per read; embedding units are one per text the server \
            embeds with the collection's embedding function (a document written without an embedding, a query \
            text, from the API or the console), whatever its length; storage is byte-hours, the bytes each \
            collection stores sampled every few minutes times the hours between samples. Rows are the roll-ups whose \
            period starts in [from, to); totals are their sums. Usage appears once rolled up, about a minute after \
            the request. from and to are ISO-8601 instants (default: the start of the current UTC month, and now), \
            from before to, at most 400 days apart; granularity is hour or day (default day).""";

    private static final String FROM = "ISO-8601 instant, inclusive; default the start of the current UTC month";
    private static final String TO = "ISO-8601 instant, exclusive; default now";
    private static final String GRANULARITY = "hour or day; default day";

    private final Usage usage;
    private final TenantAdministration administration;
    private final Clock clock;

    ControlUsageController(Usage usage, TenantAdministration administration, Clock clock) {
        this.usage = usage;
        this.administration = administration;
        this.clock = clock;
    }

    @Operation(summary = "The caller's tenant's usage; needs billing.read", description = DESCRIPTION)
    @GetMapping("/api/control/v1/usage")
    Map<String, @Nullable Object> own(Principal caller,
            @Parameter(description = FROM) @RequestParam(required = false) @Nullable String from,
            @Parameter(description = TO) @RequestParam(required = false) @Nullable String to,
            @Parameter(description = GRANULARITY) @RequestParam(required = false) @Nullable String granularity) {
        TenantView tenant = ControlJson.tenant(caller);
        caller.require(Privilege.BILLING_READ);
        return answer(tenant, from, to, granularity);
    }

    @Operation(summary = "A tenant's usage, for operators", description = DESCRIPTION)
    @GetMapping("/api/control/v1/operator/tenants/{id}/usage")
    Map<String, @Nullable Object> tenant(Principal caller, @PathVariable String id,
            @Parameter(description = FROM) @RequestParam(required = false) @Nullable String from,
            @Parameter(description = TO) @RequestParam(required = false) @Nullable String to,
            @Parameter(description = GRANULARITY) @RequestParam(required = false) @Nullable String granularity) {
        return answer(OperatedTenants.get(administration, caller, id).tenant(), from, to, granularity);
    }

    /** Validates every parameter before reading anything. */
    private Map<String, @Nullable Object> answer(TenantView tenant, @Nullable String fromText,
            @Nullable String toText, @Nullable String granularityText) {
        Instant now = clock.instant();
        Instant from = fromText == null
                ? now.atOffset(ZoneOffset.UTC).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).toInstant()
                : instant(fromText, "from");
        Instant to = toText == null ? now : instant(toText, "to");
        Granularity granularity = granularityText == null ? Granularity.DAY
                : Granularity.fromKey(granularityText).orElseThrow(() -> invalidField(ErrorCode.INVALID_ARGUMENT,
                        "granularity", "one-of", "granularity must be hour or day: " + granularityText));
        if (!from.isBefore(to)) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "from", "before-to",
                    "from must be before to: " + from + " is not before " + to);
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "to", "max-range",
                    "to must be at most " + MAX_RANGE.toDays() + " days after from: " + from + " to " + to);
        }
        List<UsageRow> rows = usage.rows(tenant.id(), from, to, granularity);
        long read = 0;
        long write = 0;
        long storage = 0;
        long embedding = 0;
        List<Map<String, @Nullable Object>> answered = new ArrayList<>(rows.size());
        for (UsageRow row : rows) {
            UsageTotals units = row.units();
            read += units.readUnits();
            write += units.writeUnits();
            storage += units.storageByteHours();
            embedding += units.embeddingUnits();
            answered.add(object("period_start", row.periodStart().toString(),
                    "database_id", row.database().toString(), "collection_id", row.collection().toString(),
                    "read_units", units.readUnits(), "write_units", units.writeUnits(),
                    "storage_byte_hours", units.storageByteHours(), "embedding_units", units.embeddingUnits()));
        }
        return object("tenant", ControlJson.tenant(tenant), "from", from.toString(), "to", to.toString(),
                "granularity", granularity.key(),
                "totals", object("read_units", read, "write_units", write, "storage_byte_hours", storage,
                        "embedding_units", embedding),
                "rows", answered);
    }

    /** An ISO-8601 instant, with {@code Z} or an offset. */
    private static Instant instant(String text, String field) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "date-time",
                    field + " must be an ISO-8601 instant such as 2026-11-01T00:00:00Z: " + text);
        }
    }
}
