package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;
import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.billing.api.Plan;
import dev.quiver.billing.api.Plans;
import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.TenantLimits;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.api.PlanStatus;
import dev.quiver.gateway.api.Workspace;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantAdministration;
import dev.quiver.tenant.api.TenantView;
import io.swagger.v3.oas.annotations.Operation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Plans and quotas on the control plane. Operators list and save plans, put a tenant on a plan and override one of
 * its quotas (under {@code /api/control/v1/operator}; the operator check comes before any lookup); a tenant's members
 * with {@code billing.read} see their own plan at {@code /api/control/v1/plan}. Money is in minor units of the
 * plan's currency ({@code monthly_fee: 2500} is 25.00 USD); unit prices are per million read, write or embedding
 * units and per GiB-month of storage. Input errors are 400 naming the field ({@code limits.records_per_batch}).
 */
@RestController
class ControlPlanController {

    private final Plans plans;
    private final Workspace workspace;
    private final TenantAdministration administration;

    ControlPlanController(Plans plans, Workspace workspace, TenantAdministration administration) {
        this.plans = plans;
        this.workspace = workspace;
        this.administration = administration;
    }

    @GetMapping("/api/control/v1/operator/plans")
    List<Map<String, @Nullable Object>> list(Principal caller) {
        ChromaWorkspace.requireOperator(caller);
        return plans.list().stream().map(ControlPlanController::plan).toList();
    }

    /**
     * Creates or replaces a plan: {@code monthly_fee}, {@code currency}, {@code read_unit_price},
     * {@code write_unit_price}, {@code storage_gib_month_price} and {@code limits}, an object with every quota's key;
     * optionally {@code embedding_unit_price} and the usage the fee includes, {@code included_read_units},
     * {@code included_write_units}, {@code included_embedding_units} and {@code included_storage_gib_months} (0 when
     * absent: a plan written before embedding units existed keeps working, and charges nothing for them).
     */
    @Operation(summary = "Creates or replaces a plan, for operators", description = """
            Money is in minor units of the plan's currency. Required: monthly_fee, currency (ISO 4217), \
            read_unit_price, write_unit_price (per million units), storage_gib_month_price (per GiB-month) and \
            limits (every quota's key). Optional, 0 when absent: embedding_unit_price (per million embedding units, \
            one per text the server embeds), included_read_units, included_write_units, included_embedding_units \
            and included_storage_gib_months (the usage the monthly fee includes).""")
    @PutMapping("/api/control/v1/operator/plans/{name}")
    Map<String, @Nullable Object> save(Principal caller, @PathVariable String name, JsonNode body) {
        ChromaWorkspace.requireOperator(caller);
        return plan(plans.save(caller, parsePlan(name, body)));
    }

    /** The tenant's plan as its members see it, for operators. */
    @GetMapping("/api/control/v1/operator/tenants/{id}/plan")
    Map<String, @Nullable Object> tenantPlan(Principal caller, @PathVariable String id) {
        return status(workspace.plan(caller, tenant(caller, id)));
    }

    /** Puts the tenant on a plan ({@code {"plan": "pro"}}) and answers with its plan as it is now. */
    @PutMapping("/api/control/v1/operator/tenants/{id}/plan")
    Map<String, @Nullable Object> assign(Principal caller, @PathVariable String id, JsonNode body) {
        TenantView tenant = tenant(caller, id);
        plans.assign(caller, tenant, ControlJson.requiredString(body, "plan"));
        return status(workspace.plan(caller, tenant));
    }

    /** Overrides one quota for the tenant ({@code {"limit": 10}}) and answers with its plan as it is now. */
    @PutMapping("/api/control/v1/operator/tenants/{id}/quotas/{quota}")
    Map<String, @Nullable Object> override(Principal caller, @PathVariable String id, @PathVariable String quota,
            JsonNode body) {
        TenantView tenant = tenant(caller, id);
        Quota known = quota(quota);
        plans.override(caller, tenant, known, requiredLong(body.get("limit"), "limit"));
        return status(workspace.plan(caller, tenant));
    }

    /** Clears a quota override, so the plan's limit holds again. */
    @DeleteMapping("/api/control/v1/operator/tenants/{id}/quotas/{quota}")
    Map<String, @Nullable Object> clear(Principal caller, @PathVariable String id, @PathVariable String quota) {
        TenantView tenant = tenant(caller, id);
        plans.override(caller, tenant, quota(quota), null);
        return status(workspace.plan(caller, tenant));
    }

    /** The caller's own tenant's plan, limits and counted usage. Needs {@code billing.read}. */
    @GetMapping("/api/control/v1/plan")
    Map<String, @Nullable Object> own(Principal caller) {
        return status(workspace.plan(caller, ControlJson.tenant(caller)));
    }

    /** The tenant with this id, after the operator check; anything else is 404. */
    private TenantView tenant(Principal caller, String id) {
        return OperatedTenants.get(administration, caller, id).tenant();
    }

    private static Quota quota(String key) {
        return Quota.fromKey(key).orElseThrow(() -> new QuiverException(ErrorCode.NOT_FOUND,
                "Quota [" + key + "] not found"));
    }

    /** Reads a plan, naming the first missing or mistyped field; the ranges are {@link Plans#save}'s to check. */
    static Plan parsePlan(String name, JsonNode body) {
        long monthlyFee = requiredLong(body.get("monthly_fee"), "monthly_fee");
        String currency = ControlJson.requiredString(body, "currency");
        long readUnitPrice = requiredLong(body.get("read_unit_price"), "read_unit_price");
        long writeUnitPrice = requiredLong(body.get("write_unit_price"), "write_unit_price");
        long storagePrice = requiredLong(body.get("storage_gib_month_price"), "storage_gib_month_price");
        long includedReadUnits = optionalLong(body.get("included_read_units"), "included_read_units");
        long includedWriteUnits = optionalLong(body.get("included_write_units"), "included_write_units");
        long includedStorage = optionalLong(body.get("included_storage_gib_months"), "included_storage_gib_months");
        long embeddingUnitPrice = optionalLong(body.get("embedding_unit_price"), "embedding_unit_price");
        long includedEmbeddingUnits = optionalLong(body.get("included_embedding_units"), "included_embedding_units");
        JsonNode limitsNode = body.get("limits");
        if (limitsNode == null || limitsNode.isNull()) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "limits", "required", "limits is required");
        }
        if (!limitsNode.isObject()) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "limits", "type", "limits must be an object");
        }
        for (String key : limitsNode.propertyNames()) {
            if (Quota.fromKey(key).isEmpty()) {
                throw invalidField(ErrorCode.INVALID_ARGUMENT, "limits." + key, "quota",
                        "Unknown quota [" + key + "]");
            }
        }
        Map<Quota, Long> limits = new EnumMap<>(Quota.class);
        for (Quota quota : Quota.values()) {
            limits.put(quota, requiredLong(limitsNode.get(quota.key()), "limits." + quota.key()));
        }
        return new Plan(name, monthlyFee, currency, readUnitPrice, writeUnitPrice, storagePrice, includedReadUnits,
                includedWriteUnits, includedStorage, embeddingUnitPrice, includedEmbeddingUnits, limits);
    }

    /** A whole number that may be absent, meaning 0: a plan includes no usage unless it says so. */
    private static long optionalLong(@Nullable JsonNode node, String field) {
        return node == null || node.isNull() ? 0 : requiredLong(node, field);
    }

    private static long requiredLong(@Nullable JsonNode node, String field) {
        if (node == null || node.isNull()) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "required", field + " is required");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "type", field + " must be a whole number");
        }
        return node.longValue();
    }

    static Map<String, @Nullable Object> plan(Plan plan) {
        Map<String, Long> limits = new LinkedHashMap<>();
        for (Quota quota : Quota.values()) {
            limits.put(quota.key(), plan.limit(quota));
        }
        return object("name", plan.name(), "monthly_fee", plan.monthlyFee(), "currency", plan.currency(),
                "read_unit_price", plan.readUnitPrice(), "write_unit_price", plan.writeUnitPrice(),
                "storage_gib_month_price", plan.storageGibMonthPrice(),
                "embedding_unit_price", plan.embeddingUnitPrice(), "included_read_units",
                plan.includedReadUnits(), "included_write_units", plan.includedWriteUnits(),
                "included_embedding_units", plan.includedEmbeddingUnits(),
                "included_storage_gib_months", plan.includedStorageGibMonths(), "limits", limits);
    }

    /**
     * A tenant's plan: the plan itself, and per quota its label, effective limit, the plan's own limit, whether
     * an override is set, and the current value of counted quotas (null otherwise).
     */
    static Map<String, @Nullable Object> status(PlanStatus status) {
        TenantLimits limits = status.limits();
        List<Map<String, @Nullable Object>> quotas = new ArrayList<>();
        for (Quota quota : Quota.values()) {
            quotas.add(object("quota", quota.key(), "label", quota.label(), "limit", limits.limit(quota),
                    "plan_limit", limits.plan().limit(quota), "overridden", limits.overrides().containsKey(quota),
                    "current", status.current(quota)));
        }
        Map<String, Long> overrides = new LinkedHashMap<>();
        limits.overrides().forEach((quota, limit) -> overrides.put(quota.key(), limit));
        return object("tenant", ControlJson.tenant(status.tenant()), "plan", plan(limits.plan()),
                "overrides", overrides, "quotas", quotas);
    }
}
