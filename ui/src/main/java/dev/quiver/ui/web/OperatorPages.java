package dev.quiver.ui.web;

import dev.quiver.billing.api.Invoice;
import dev.quiver.billing.api.Invoices;
import dev.quiver.billing.api.Plan;
import dev.quiver.billing.api.Plans;
import dev.quiver.billing.api.Quota;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.gateway.api.TenantUsage;
import dev.quiver.gateway.api.Workspace;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantAdministration;
import dev.quiver.tenant.api.TenantStatus;
import jakarta.servlet.http.HttpServletResponse;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriUtils;

/**
 * Platform operators' pages: find tenants, see one's status and what it holds, suspend it with a reason, resume it,
 * delete it (typing its name to confirm). For anyone who is not an operator every one of these pages is the same
 * 404 as a page that does not exist, checked before anything is looked up, so the pages do not reveal themselves.
 */
@Controller
@RequestMapping("/console/operator/tenants")
class OperatorPages {

    private static final int LIMIT = 200;

    private final TenantAdministration administration;
    private final Workspace workspace;
    private final Plans plans;
    private final Invoices invoices;

    OperatorPages(TenantAdministration administration, Workspace workspace, Plans plans, Invoices invoices) {
        this.administration = administration;
        this.workspace = workspace;
        this.plans = plans;
        this.invoices = invoices;
    }

    /** A tenant in the list or at the head of its page. */
    record TenantRow(String id, String name, String createdAt, boolean suspended, @Nullable String suspendedAt,
            @Nullable String suspendedReason) {

        static TenantRow of(TenantStatus status) {
            return new TenantRow(status.tenant().id().toString(), status.tenant().name(),
                    Times.shown(status.createdAt()),
                    status.suspended(), status.suspendedAt() == null ? null : Times.shown(status.suspendedAt()),
                    status.suspendedReason());
        }
    }

    @GetMapping
    String search(ConsoleUser me, @RequestParam(defaultValue = "") String q, Model model) {
        Principal operator = operator(me);
        List<TenantRow> tenants = administration.search(operator, q.trim(), LIMIT, 0).stream()
                .map(TenantRow::of).toList();
        model.addAttribute("q", q);
        model.addAttribute("tenants", tenants);
        model.addAttribute("limited", tenants.size() == LIMIT);
        return "console/operator-tenants";
    }

    @GetMapping("/{id}")
    String tenant(ConsoleUser me, @PathVariable String id, Model model) {
        return render(operator(me), id, model);
    }

    @PostMapping("/{id}/suspend")
    String suspend(ConsoleUser me, @PathVariable String id, @RequestParam(defaultValue = "") String reason,
            Model model, HttpServletResponse response, RedirectAttributes redirect) {
        Principal operator = operator(me);
        TenantStatus status = find(operator, id);
        try {
            administration.suspend(operator, status.tenant(), reason.trim());
        } catch (QuiverException refused) {
            response.setStatus(refused.code().status());
            Forms.refusal(model, refused);
            model.addAttribute("reason", reason);
            return render(operator, id, model);
        }
        redirect.addFlashAttribute("notice", "Suspended " + status.tenant().name()
                + ": its keys and sessions may no longer read or change data.");
        return "redirect:" + path(id);
    }

    /** Puts the tenant on another plan (field {@code plan}). */
    @PostMapping("/{id}/plan")
    String assign(ConsoleUser me, @PathVariable String id, @RequestParam(defaultValue = "") String plan,
            Model model, HttpServletResponse response, RedirectAttributes redirect) {
        Principal operator = operator(me);
        TenantStatus status = find(operator, id);
        try {
            plans.assign(operator, status.tenant(), plan);
        } catch (QuiverException refused) {
            response.setStatus(refused.code().status());
            Forms.refusal(model, refused);
            return render(operator, id, model);
        }
        redirect.addFlashAttribute("notice", "Put " + status.tenant().name() + " on the " + plan + " plan.");
        return "redirect:" + path(id);
    }

    /**
     * Overrides one quota for the tenant (fields {@code quota} and {@code limit}); a blank limit clears the
     * override, so the plan's limit holds again.
     */
    @PostMapping("/{id}/quota")
    String override(ConsoleUser me, @PathVariable String id, @RequestParam(defaultValue = "") String quota,
            @RequestParam(defaultValue = "") String limit, Model model, HttpServletResponse response,
            RedirectAttributes redirect) {
        Principal operator = operator(me);
        TenantStatus status = find(operator, id);
        try {
            Quota known = Quota.fromKey(quota).orElseThrow(() -> QuiverException.invalidField(
                    ErrorCode.INVALID_ARGUMENT, "quota", "quota", "Choose one of the quotas"));
            Long value = limit.isBlank() ? null : parseLimit(limit.trim());
            plans.override(operator, status.tenant(), known, value);
            redirect.addFlashAttribute("notice", value == null
                    ? "Cleared the override of " + known.label() + "; the plan's limit holds again."
                    : "Set " + known.label() + " to " + value + " for " + status.tenant().name() + ".");
        } catch (QuiverException refused) {
            response.setStatus(refused.code().status());
            Forms.refusal(model, refused);
            model.addAttribute("overrideQuota", quota);
            model.addAttribute("overrideLimit", limit);
            return render(operator, id, model);
        }
        return "redirect:" + path(id);
    }

    /**
     * Generates the tenant's invoice for a month that has ended (field {@code month}, {@code 2026-10}) as a draft
     * and shows it; the operator issues it from there.
     */
    @PostMapping("/{id}/invoices")
    String generate(ConsoleUser me, @PathVariable String id, @RequestParam(defaultValue = "") String month,
            Model model, HttpServletResponse response) {
        Principal operator = operator(me);
        TenantStatus status = find(operator, id);
        Invoice invoice;
        try {
            invoice = invoices.generate(operator, status.tenant(), parseMonth(month.trim()));
        } catch (QuiverException refused) {
            response.setStatus(refused.code().status());
            Forms.refusal(model, refused);
            model.addAttribute("invoiceMonth", month);
            return render(operator, id, model);
        }
        return "redirect:/console/invoices/" + invoice.id();
    }

    private static YearMonth parseMonth(String month) {
        try {
            return YearMonth.parse(month, DateTimeFormatter.ofPattern("uuuu-MM", Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, "month", "year-month",
                    "Enter a year and month such as 2026-10: " + month);
        }
    }

    private static long parseLimit(String limit) {
        try {
            return Long.parseLong(limit);
        } catch (NumberFormatException e) {
            throw new QuiverException(ErrorCode.INVALID_ARGUMENT, "limit must be a whole number",
                    List.of(new FieldError("limit", "type", "The limit must be a whole number: " + limit)));
        }
    }

    @PostMapping("/{id}/resume")
    String resume(ConsoleUser me, @PathVariable String id, RedirectAttributes redirect) {
        Principal operator = operator(me);
        TenantStatus status = find(operator, id);
        administration.resume(operator, status.tenant());
        redirect.addFlashAttribute("notice", "Resumed " + status.tenant().name() + ".");
        return "redirect:" + path(id);
    }

    @PostMapping("/{id}/delete")
    String delete(ConsoleUser me, @PathVariable String id, @RequestParam(defaultValue = "") String confirm,
            Model model, HttpServletResponse response, RedirectAttributes redirect) {
        Principal operator = operator(me);
        TenantStatus status = find(operator, id);
        if (!status.tenant().name().equals(confirm.trim())) {
            response.setStatus(400);
            model.addAttribute("fieldErrors", Map.of("confirm",
                    "Type the tenant's name, " + status.tenant().name() + ", to delete it"));
            model.addAttribute("confirm", confirm);
            return render(operator, id, model);
        }
        try {
            workspace.deleteTenant(operator, status.tenant());
        } catch (QuiverException refused) {
            if (refused.code().status() == 404) {
                throw refused;
            }
            response.setStatus(refused.code().status());
            model.addAttribute("formError", refused.getMessage());
            return render(operator, id, model);
        }
        redirect.addFlashAttribute("notice", "Deleted tenant " + status.tenant().name()
                + " with its databases, collections, members and keys.");
        return "redirect:/console/operator/tenants";
    }

    private String render(Principal operator, String id, Model model) {
        TenantStatus status = find(operator, id);
        TenantUsage usage = workspace.usage(operator, status.tenant());
        model.addAttribute("tenant", TenantRow.of(status));
        model.addAttribute("usage", usage);
        model.addAttribute("stored", bytes(usage.storedBytes()));
        model.addAttribute("disk", bytes(usage.diskBytes()));
        PlanPages.model(model, workspace.plan(operator, status.tenant()));
        model.addAttribute("planNames", plans.list().stream().map(Plan::name).toList());
        model.addAttribute("quotaChoices", List.of(Quota.values()));
        model.addAttribute("invoices", InvoicePages.rows(invoices.list(operator, status.tenant())));
        return "console/operator-tenant";
    }

    /** The caller as an operator; for anyone else, the page does not exist. */
    private static Principal operator(ConsoleUser me) {
        if (!me.principal().operator()) {
            throw notFound();
        }
        return me.principal();
    }

    /** The tenant with exactly this id; a malformed id is the same 404 as an unknown one. */
    private TenantStatus find(Principal operator, String id) {
        try {
            UUID uuid = UUID.fromString(id);
            if (uuid.toString().equalsIgnoreCase(id)) {
                return administration.find(operator, uuid.toString())
                        .filter(status -> status.tenant().id().value().equals(uuid))
                        .orElseThrow(() -> new QuiverException(ErrorCode.TENANT_NOT_FOUND,
                                "Tenant [" + id + "] not found"));
            }
        } catch (IllegalArgumentException e) {
            // not an id: not found below
        }
        throw new QuiverException(ErrorCode.TENANT_NOT_FOUND, "Tenant [" + id + "] not found");
    }

    private static QuiverException notFound() {
        return new QuiverException(ErrorCode.NOT_FOUND, "There is no such page in the console");
    }

    private static String path(String id) {
        return "/console/operator/tenants/" + UriUtils.encodePathSegment(id, "UTF-8");
    }

    /** Bytes for people: 0 B, 12.3 KiB, 4.0 MiB. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
