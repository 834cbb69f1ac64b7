package dev.quiver.ui.web;

import dev.quiver.billing.api.Invoice;
import dev.quiver.billing.api.InvoiceId;
import dev.quiver.billing.api.InvoiceLine;
import dev.quiver.billing.api.InvoiceStatus;
import dev.quiver.billing.api.Invoices;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.tenant.api.Principal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The tenant's invoices: the list, and one invoice as a printable page (tenant, period, lines, total, money shown
 * from minor units). Needs {@code billing.read}; drafts are not shown to tenants, and another tenant's invoice is
 * the same 404 page as one that does not exist. Operators reach any invoice from the operator's tenant page, see
 * drafts, and issue, pay or void an invoice from its page.
 */
@Controller
@RequestMapping("/console/invoices")
class InvoicePages {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Invoices invoices;

    InvoicePages(Invoices invoices) {
        this.invoices = invoices;
    }

    /** An invoice in a list. */
    record InvoiceRow(String id, String month, String status, String total) {

        static InvoiceRow of(Invoice invoice) {
            return new InvoiceRow(invoice.id().toString(), InvoicePages.month(invoice), invoice.status().key(),
                    PlanPages.money(invoice.total(), invoice.currency()));
        }
    }

    /** A line of the printed invoice, its money shown. */
    record LineRow(int position, String kind, String description, String period, String quantity, String unit,
            String unitPrice, String amount) {
    }

    /** A button that moves the invoice: {@code action} is the path's last segment. */
    record ActionRow(String action, String label, boolean danger) {
    }

    @GetMapping
    String list(ConsoleUser me, Model model) {
        Principal principal = TenantPages.inTenant(me);
        model.addAttribute("invoices", rows(invoices.list(principal, principal.tenant())));
        return "console/invoices";
    }

    @GetMapping("/{id}")
    String invoice(ConsoleUser me, @PathVariable String id, Model model) {
        Invoice invoice = find(me.principal(), id);
        List<LineRow> lines = invoice.lines().stream().map(line -> line(line, invoice.currency())).toList();
        model.addAttribute("invoice", invoice);
        model.addAttribute("month", month(invoice));
        model.addAttribute("period", DAY.format(invoice.periodStart()) + " to " + DAY.format(invoice.periodEnd())
                + " UTC");
        model.addAttribute("lines", lines);
        model.addAttribute("total", PlanPages.money(invoice.total(), invoice.currency()));
        model.addAttribute("issuedAt", invoice.issuedAt() == null ? null : Times.shown(invoice.issuedAt()));
        model.addAttribute("paidAt", invoice.paidAt() == null ? null : Times.shown(invoice.paidAt()));
        model.addAttribute("actions", me.principal().operator() ? actions(invoice.status()) : List.of());
        return "console/invoice";
    }

    /** Moves the invoice to {@code issued}, {@code paid} or {@code void}: operators only, others get the 404 page. */
    @PostMapping("/{id}/{action:issue|pay|void}")
    String transition(ConsoleUser me, @PathVariable String id, @PathVariable String action,
            RedirectAttributes redirect) {
        Principal operator = me.principal();
        if (!operator.operator()) {
            throw notFound(id);
        }
        InvoiceStatus next = switch (action) {
            case "issue" -> InvoiceStatus.ISSUED;
            case "pay" -> InvoiceStatus.PAID;
            default -> InvoiceStatus.VOID;
        };
        Invoice moved = invoices.transition(operator, parse(id), next);
        redirect.addFlashAttribute("notice", "The invoice for " + month(moved) + " is " + moved.status().key()
                + ".");
        return "redirect:/console/invoices/" + moved.id();
    }

    /** The invoices in a list, for this page and the operator's tenant page. */
    static List<InvoiceRow> rows(List<Invoice> invoices) {
        return invoices.stream().map(InvoiceRow::of).toList();
    }

    private Invoice find(Principal caller, String id) {
        return invoices.find(caller, parse(id)).orElseThrow(() -> notFound(id));
    }

    private static InvoiceId parse(String id) {
        return InvoiceId.parse(id).orElseThrow(() -> notFound(id));
    }

    private static QuiverException notFound(String id) {
        return new QuiverException(ErrorCode.NOT_FOUND, "Invoice [" + id + "] not found");
    }

    /** The moves an operator may make from this status, as buttons. */
    private static List<ActionRow> actions(InvoiceStatus status) {
        List<ActionRow> actions = new ArrayList<>();
        for (InvoiceStatus next : InvoiceStatus.values()) {
            if (status.canBecome(next)) {
                actions.add(switch (next) {
                    case ISSUED -> new ActionRow("issue", "Issue", false);
                    case PAID -> new ActionRow("pay", "Mark paid", false);
                    case VOID -> new ActionRow("void", "Void", true);
                    case DRAFT -> throw new IllegalStateException("no invoice becomes a draft again");
                });
            }
        }
        return actions;
    }

    private static LineRow line(InvoiceLine line, String currency) {
        return new LineRow(line.position(), label(line.kind()), line.description(),
                DAY.format(line.periodStart()) + " to " + DAY.format(line.periodEnd()),
                String.format(Locale.ROOT, "%,d", line.quantity()), line.unit(),
                PlanPages.money(line.unitPrice(), currency) + per(line.kind()),
                PlanPages.money(line.amount(), currency));
    }

    private static String label(InvoiceLine.Kind kind) {
        return switch (kind) {
            case PLAN_FEE -> "Plan fee";
            case READ_UNITS -> "Read units beyond the plan";
            case WRITE_UNITS -> "Write units beyond the plan";
            case EMBEDDING_UNITS -> "Embedding units beyond the plan";
            case STORAGE -> "Storage beyond the plan";
        };
    }

    private static String per(InvoiceLine.Kind kind) {
        return switch (kind) {
            case PLAN_FEE -> " per month";
            case READ_UNITS, WRITE_UNITS, EMBEDDING_UNITS -> " per million";
            case STORAGE -> " per GiB-month";
        };
    }

    static String month(Invoice invoice) {
        return invoice.month().getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " "
                + invoice.month().getYear();
    }
}
