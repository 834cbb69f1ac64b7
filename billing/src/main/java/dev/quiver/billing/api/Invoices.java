package dev.quiver.billing.api;

import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantView;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;

/**
 * Monthly invoices. At each month's end every tenant gets one (see the implementation for when and whether it is
 * issued at once); an operator may generate one on demand and move it through its {@link InvoiceStatus}. A tenant's
 * members with {@code billing.read} see its issued, paid and void invoices, never drafts. Operator-only methods
 * refuse anyone else with {@code PERMISSION_DENIED}. Thread-safe.
 */
public interface Invoices {

    /**
     * Computes the tenant's invoice for a month that has ended and saves it as a draft, replacing the month's draft
     * if there is one. Refused with {@code INVALID_ARGUMENT} naming the field {@code month} when the month has not
     * ended or the tenant did not exist in it, and with {@code CONFLICT} when the month's invoice is already issued
     * or paid (void it first) or the tenant's plans that month have different currencies.
     */
    Invoice generate(Principal operator, TenantView tenant, YearMonth month);

    /**
     * The tenant's invoices, newest month first: all of them for operators; for the tenant's members with
     * {@code billing.read} all but drafts ({@code PERMISSION_DENIED} for anyone else).
     */
    List<Invoice> list(Principal caller, TenantView tenant);

    /** The invoice, if the caller may see it: an operator any, a member with {@code billing.read} its tenant's. */
    Optional<Invoice> find(Principal caller, InvoiceId id);

    /**
     * Moves an invoice to another status: {@code NOT_FOUND} when there is none, {@code CONFLICT} naming the rule
     * when {@link InvoiceStatus#canBecome} forbids it.
     */
    Invoice transition(Principal operator, InvoiceId id, InvoiceStatus next);
}
