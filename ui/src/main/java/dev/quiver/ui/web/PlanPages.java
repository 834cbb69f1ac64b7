package dev.quiver.ui.web;

import dev.quiver.billing.api.Plan;
import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.TenantLimits;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.gateway.api.PlanStatus;
import dev.quiver.gateway.api.Workspace;
import dev.quiver.tenant.api.Principal;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The tenant's plan page: the plan, its monthly fee and unit prices, and every quota with its limit and, where it
 * is counted, the current value. Needs {@code billing.read} (the API refuses anyone else: the 403 page). The
 * operator's tenant page shows the same table through {@link #model}.
 */
@Controller
@RequestMapping("/console/plan")
class PlanPages {

    private final Workspace workspace;

    PlanPages(Workspace workspace) {
        this.workspace = workspace;
    }

    /**
     * One quota in the table.
     *
     * @param limit     the effective limit, for people
     * @param planLimit the plan's own limit when an override replaces it, else null
     * @param current   the current value when the quota is counted, else null
     */
    record QuotaRow(String key, String label, String limit, @Nullable String planLimit,
            @Nullable String current) {
    }

    @GetMapping
    String page(ConsoleUser me, Model model) {
        Principal principal = TenantPages.inTenant(me);
        model(model, workspace.plan(principal, principal.tenant()));
        return "console/plan";
    }

    /** Puts {@code plan}, {@code fee}, the four unit prices, the included usage and {@code quotas} in the model. */
    static void model(Model model, PlanStatus status) {
        TenantLimits limits = status.limits();
        Plan plan = limits.plan();
        List<QuotaRow> rows = new ArrayList<>();
        for (Quota quota : Quota.values()) {
            Long override = limits.overrides().get(quota);
            Long current = status.current(quota);
            rows.add(new QuotaRow(quota.key(), quota.label(), number(limits.limit(quota)),
                    override == null ? null : number(plan.limit(quota)),
                    current == null ? null : number(current)));
        }
        model.addAttribute("plan", plan);
        model.addAttribute("fee", money(plan.monthlyFee(), plan.currency()));
        model.addAttribute("readPrice", money(plan.readUnitPrice(), plan.currency()));
        model.addAttribute("writePrice", money(plan.writeUnitPrice(), plan.currency()));
        model.addAttribute("embeddingPrice", money(plan.embeddingUnitPrice(), plan.currency()));
        model.addAttribute("storagePrice", money(plan.storageGibMonthPrice(), plan.currency()));
        model.addAttribute("includedReads", number(plan.includedReadUnits()));
        model.addAttribute("includedWrites", number(plan.includedWriteUnits()));
        model.addAttribute("includedEmbeddings", number(plan.includedEmbeddingUnits()));
        model.addAttribute("includedStorage", number(plan.includedStorageGibMonths()));
        model.addAttribute("quotas", rows);
    }

    /** Minor units as the currency writes them, without floating point: 2500 USD is {@code 25.00 USD}. */
    static String money(long minorUnits, String currency) {
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException e) {
            digits = 2;
        }
        return BigDecimal.valueOf(minorUnits, digits).toPlainString() + " " + currency;
    }

    private static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
