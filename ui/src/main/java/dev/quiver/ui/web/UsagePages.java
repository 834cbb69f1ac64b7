package dev.quiver.ui.web;

import dev.quiver.billing.api.Granularity;
import dev.quiver.billing.api.Usage;
import dev.quiver.billing.api.UsageRow;
import dev.quiver.common.Privilege;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionView;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The tenant's usage page: this month's metered units per UTC day and collection, with the month's totals, as the
 * usage API answers them. Needs {@code billing.read} (anyone else gets the 403 page). Collections deleted since are
 * still listed, by id: usage outlives what it was spent on.
 */
@Controller
@RequestMapping("/console/usage")
class UsagePages {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final Usage usage;
    private final TenantCatalog tenants;
    private final CollectionCatalog collections;
    private final Clock clock;

    UsagePages(Usage usage, TenantCatalog tenants, CollectionCatalog collections, Clock clock) {
        this.usage = usage;
        this.tenants = tenants;
        this.collections = collections;
        this.clock = clock;
    }

    /** One day of one collection, numbers formatted for people. */
    record UsageLine(String day, String collection, String readUnits, String writeUnits, String embeddingUnits,
            String storageByteHours) {
    }

    @GetMapping
    String page(ConsoleUser me, Model model) {
        Principal principal = TenantPages.inTenant(me);
        principal.require(Privilege.BILLING_READ);
        TenantView tenant = principal.tenant();
        Instant now = clock.instant();
        Instant monthStart = now.atOffset(ZoneOffset.UTC).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS)
                .toInstant();
        Map<UUID, String> names = collectionNames(tenant);
        List<UsageLine> lines = new ArrayList<>();
        long read = 0;
        long write = 0;
        long storage = 0;
        long embedding = 0;
        for (UsageRow row : usage.rows(tenant.id(), monthStart, now, Granularity.DAY)) {
            read += row.units().readUnits();
            write += row.units().writeUnits();
            storage += row.units().storageByteHours();
            embedding += row.units().embeddingUnits();
            lines.add(new UsageLine(DAY.format(row.periodStart()), names.getOrDefault(row.collection(),
                    "deleted collection " + row.collection()), number(row.units().readUnits()),
                    number(row.units().writeUnits()), number(row.units().embeddingUnits()),
                    number(row.units().storageByteHours())));
        }
        model.addAttribute("month", MONTH.format(monthStart));
        model.addAttribute("lines", lines);
        model.addAttribute("totals", new UsageLine("", "", number(read), number(write), number(embedding),
                number(storage)));
        return "console/usage";
    }

    /** {@code database / collection} for every collection the tenant has now. */
    private Map<UUID, String> collectionNames(TenantView tenant) {
        Map<UUID, String> names = new HashMap<>();
        for (DatabaseView database : tenants.listDatabases(tenant, Integer.MAX_VALUE, 0)) {
            for (CollectionView collection : collections.list(database, Integer.MAX_VALUE, 0)) {
                names.put(collection.id().value(), database.name() + " / " + collection.name());
            }
        }
        return names;
    }

    private static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
