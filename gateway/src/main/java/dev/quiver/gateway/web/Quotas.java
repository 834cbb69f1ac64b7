package dev.quiver.gateway.web;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.Plans;
import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.QuotaRefusals;
import dev.quiver.billing.api.TenantLimits;
import dev.quiver.common.QuotaExceededException;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.api.WriteLimits;
import dev.quiver.tenant.api.TenantView;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Where the gateway meets billing's quotas: a tenant's limits, the per-request checks of a write, and the count
 * of every refusal, whichever module raised it (the tenant and search modules count databases, collections, records
 * and stored bytes in their own transactions). The console goes through the same changes, so its refusals are counted too.
 * Thread-safe.
 */
@Component
class Quotas {

    private final Plans plans;
    private final QuotaRefusals refusals;

    Quotas(Plans plans, QuotaRefusals refusals) {
        this.plans = requireNonNull(plans, "plans is null");
        this.refusals = requireNonNull(refusals, "refusals is null");
    }

    TenantLimits limits(TenantView tenant) {
        return plans.limits(tenant);
    }

    /** Refuses a write that breaks a per-request quota of the tenant's plan; see {@link RecordQuotas}. */
    void checkWrite(TenantLimits limits, WriteBatch batch) {
        counted(() -> {
            RecordQuotas.check(limits, batch, batch.operation().action());
            return null;
        });
    }

    /**
     * The quotas the search module counts in the transaction that logs a write: the collection's records and the
     * tenant's storage.
     */
    static WriteLimits writeLimits(TenantLimits limits) {
        return new WriteLimits(limits.quota(Quota.RECORDS_PER_COLLECTION), limits.quota(Quota.STORAGE_BYTES));
    }

    /** Runs a change, counting a quota refusal it raises before passing it on. */
    <T> T counted(Supplier<T> change) {
        try {
            return change.get();
        } catch (QuotaExceededException refusal) {
            refusals.refused(refusal);
            throw refusal;
        }
    }
}
