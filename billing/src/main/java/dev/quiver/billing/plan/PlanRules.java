package dev.quiver.billing.plan;

import dev.quiver.billing.api.Plan;
import dev.quiver.billing.api.Quota;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules an operator's plan must meet, each refusal naming the field as the control plane's JSON names it
 * ({@code limits.records_per_batch}) and the rule. Stateless.
 */
public final class PlanRules {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private PlanRules() {
    }

    /** Checks every rule and refuses with all broken ones, or returns when the plan is valid. */
    public static void check(Plan plan) {
        List<FieldError> errors = new ArrayList<>();
        if (!NAME.matcher(plan.name()).matches()) {
            errors.add(new FieldError("name", "pattern", "name must be 1 to 40 lower-case letters, digits, '-' or "
                    + "'_', starting with a letter: " + plan.name()));
        }
        if (!CURRENCY.matcher(plan.currency()).matches()) {
            errors.add(new FieldError("currency", "currency",
                    "currency must be an ISO 4217 code of three capital letters: " + plan.currency()));
        }
        notNegative(errors, "monthly_fee", plan.monthlyFee());
        notNegative(errors, "read_unit_price", plan.readUnitPrice());
        notNegative(errors, "write_unit_price", plan.writeUnitPrice());
        notNegative(errors, "storage_gib_month_price", plan.storageGibMonthPrice());
        notNegative(errors, "embedding_unit_price", plan.embeddingUnitPrice());
        notNegative(errors, "included_read_units", plan.includedReadUnits());
        notNegative(errors, "included_write_units", plan.includedWriteUnits());
        notNegative(errors, "included_storage_gib_months", plan.includedStorageGibMonths());
        notNegative(errors, "included_embedding_units", plan.includedEmbeddingUnits());
        for (Quota quota : Quota.values()) {
            notNegative(errors, "limits." + quota.key(), plan.limit(quota));
        }
        refuseIfAny(errors);
    }

    /** Checks a per-tenant override's limit, the field {@code limit}. */
    public static void checkOverride(long limit) {
        List<FieldError> errors = new ArrayList<>();
        notNegative(errors, "limit", limit);
        refuseIfAny(errors);
    }

    private static void notNegative(List<FieldError> errors, String field, long value) {
        if (value < 0) {
            errors.add(new FieldError(field, "min", field + " must not be negative: " + value));
        }
    }

    private static void refuseIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new QuiverException(ErrorCode.INVALID_ARGUMENT, errors.getFirst().message(), errors);
        }
    }
}
