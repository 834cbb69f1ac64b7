package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;
import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.billing.api.Invoice;
import dev.quiver.billing.api.InvoiceId;
import dev.quiver.billing.api.InvoiceLine;
import dev.quiver.billing.api.InvoiceStatus;
import dev.quiver.billing.api.Invoices;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantAdministration;
import dev.quiver.tenant.api.TenantView;
import io.swagger.v3.oas.annotations.Operation;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Invoices on the control plane. A tenant's members with {@code billing.read} list and read its issued, paid and
 * void invoices at {@code /api/control/v1/invoices}; a draft, or another tenant's invoice, is the same 404 as one
 * that does not exist. Operators generate a tenant's invoice for a month that has ended, list a tenant's invoices
 * (drafts too) and move an invoice from status to status (under {@code /api/control/v1/operator}, the operator check
 * first). Money is in minor units of the invoice's currency ({@code total: 94199} in USD is 941.99 USD); quantities
 * are in each line's {@code unit}.
 */
@RestController
class ControlInvoiceController {

    private static final String LINES = """
            Money is in minor units of the invoice's currency (total 94199 in USD is 941.99 USD). Each line has a \
            kind: plan_fee (the plan's monthly fee prorated by the hours the plan was in effect; quantity in hours), \
            read_units, write_units and embedding_units (units beyond the plan's allowance prorated the same way; \
            unit_price per million units; an embedding unit is one text the server embedded), or storage \
            (byte-hours beyond the plan's GiB-months; unit_price per GiB-month). A line's amount is rounded half-up \
            once; total is the sum of the lines.""";

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("uuuu-MM", Locale.ROOT);

    private final Invoices invoices;
    private final TenantAdministration administration;

    ControlInvoiceController(Invoices invoices, TenantAdministration administration) {
        this.invoices = invoices;
        this.administration = administration;
    }

    /** The caller's tenant's invoices, newest month first. Needs {@code billing.read}. */
    @Operation(summary = "The caller's tenant's invoices, newest month first; needs billing.read", description = LINES)
    @GetMapping("/api/control/v1/invoices")
    List<Map<String, @Nullable Object>> own(Principal caller) {
        return invoices.list(caller, ControlJson.tenant(caller)).stream()
                .map(ControlInvoiceController::invoice).toList();
    }

    /** One of the caller's tenant's invoices with its lines. Needs {@code billing.read}. */
    @Operation(summary = "One of the caller's tenant's invoices with its lines; needs billing.read",
            description = LINES)
    @GetMapping("/api/control/v1/invoices/{id}")
    Map<String, @Nullable Object> get(Principal caller, @PathVariable String id) {
        ControlJson.tenant(caller);
        return invoice(invoices.find(caller, invoiceId(id)).orElseThrow(() -> notFound(id)));
    }

    /**
     * Generates the tenant's invoice for a month that has ended ({@code {"month": "2026-10"}}) as a draft,
     * replacing the month's draft; 409 when the month's invoice is issued or paid.
     */
    @PostMapping("/api/control/v1/operator/tenants/{id}/invoices")
    Map<String, @Nullable Object> generate(Principal caller, @PathVariable String id, JsonNode body) {
        TenantView tenant = tenant(caller, id);
        return invoice(invoices.generate(caller, tenant, month(ControlJson.requiredString(body, "month"))));
    }

    /** Every invoice of the tenant, drafts included, newest month first. */
    @GetMapping("/api/control/v1/operator/tenants/{id}/invoices")
    List<Map<String, @Nullable Object>> tenantInvoices(Principal caller, @PathVariable String id) {
        return invoices.list(caller, tenant(caller, id)).stream().map(ControlInvoiceController::invoice).toList();
    }

    /** Any invoice, for operators. */
    @GetMapping("/api/control/v1/operator/invoices/{id}")
    Map<String, @Nullable Object> operatorGet(Principal caller, @PathVariable String id) {
        ChromaWorkspace.requireOperator(caller);
        return invoice(invoices.find(caller, invoiceId(id)).orElseThrow(() -> notFound(id)));
    }

    /** Issues a draft: the tenant sees it from now on, and its lines never change again. */
    @PostMapping("/api/control/v1/operator/invoices/{id}/issue")
    Map<String, @Nullable Object> issue(Principal caller, @PathVariable String id) {
        return transition(caller, id, InvoiceStatus.ISSUED);
    }

    /** Marks an issued invoice paid. */
    @PostMapping("/api/control/v1/operator/invoices/{id}/pay")
    Map<String, @Nullable Object> pay(Principal caller, @PathVariable String id) {
        return transition(caller, id, InvoiceStatus.PAID);
    }

    /** Voids a draft or issued invoice, so the month may be invoiced again. */
    @PostMapping("/api/control/v1/operator/invoices/{id}/void")
    Map<String, @Nullable Object> cancel(Principal caller, @PathVariable String id) {
        return transition(caller, id, InvoiceStatus.VOID);
    }

    private Map<String, @Nullable Object> transition(Principal caller, String id, InvoiceStatus next) {
        ChromaWorkspace.requireOperator(caller);
        return invoice(invoices.transition(caller, invoiceId(id), next));
    }

    /** The tenant with this id, after the operator check; anything else is 404. */
    private TenantView tenant(Principal caller, String id) {
        return OperatedTenants.get(administration, caller, id).tenant();
    }

    private static InvoiceId invoiceId(String id) {
        return InvoiceId.parse(id).orElseThrow(() -> notFound(id));
    }

    private static QuiverException notFound(String id) {
        return new QuiverException(ErrorCode.NOT_FOUND, "Invoice [" + id + "] not found");
    }

    static YearMonth month(String text) {
        try {
            return YearMonth.parse(text, MONTH);
        } catch (DateTimeParseException e) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "month", "year-month",
                    "month must be a year and month such as 2026-10: " + text);
        }
    }

    static Map<String, @Nullable Object> invoice(Invoice invoice) {
        List<Map<String, @Nullable Object>> lines = new ArrayList<>(invoice.lines().size());
        for (InvoiceLine line : invoice.lines()) {
            lines.add(object("position", line.position(), "kind", line.kind().key(), "plan", line.plan(),
                    "description", line.description(), "period_start", ControlJson.instant(line.periodStart()),
                    "period_end", ControlJson.instant(line.periodEnd()), "quantity", line.quantity(),
                    "unit", line.unit(), "unit_price", line.unitPrice(), "amount", line.amount()));
        }
        return object("id", invoice.id().toString(),
                "tenant", object("id", invoice.tenant().toString(), "name", invoice.tenantName()),
                "month", MONTH.format(invoice.month()),
                "period_start", ControlJson.instant(invoice.periodStart()),
                "period_end", ControlJson.instant(invoice.periodEnd()),
                "currency", invoice.currency(), "status", invoice.status().key(), "total", invoice.total(),
                "lines", lines,
                "created_at", ControlJson.instant(invoice.createdAt()),
                "updated_at", ControlJson.instant(invoice.updatedAt()),
                "issued_at", ControlJson.instant(invoice.issuedAt()),
                "paid_at", ControlJson.instant(invoice.paidAt()),
                "voided_at", ControlJson.instant(invoice.voidedAt()));
    }
}
