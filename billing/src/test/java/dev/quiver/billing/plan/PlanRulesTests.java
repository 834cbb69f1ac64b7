package dev.quiver.billing.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.billing.api.Plan;
import dev.quiver.billing.api.Quota;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanRulesTests {

    @Test
    void acceptsAPlanWithZeroPricesAndLimits() {
        PlanRules.check(plan("starter", 0, "EUR", 0, 0));
    }

    @Test
    void refusesEveryBrokenRuleNamingTheFieldAsTheJsonNamesIt() {
        Plan plan = plan("Bad Name", -1, "usd", -5, -2);

        assertThatThrownBy(() -> PlanRules.check(plan))
                .isInstanceOfSatisfying(QuiverException.class, refusal -> {
                    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(refusal.errors()).extracting(FieldError::field).containsExactly("name", "currency",
                            "monthly_fee", "read_unit_price", "limits.records_per_batch");
                    assertThat(refusal.errors()).extracting(FieldError::rule).containsExactly("pattern",
                            "currency", "min", "min", "min");
                });
    }

    @Test
    void refusesNegativeAllowancesNamingEach() {
        Plan base = plan("metered", 0, "USD", 0, 1);
        Plan plan = new Plan(base.name(), 0, "USD", 0, 0, 0, -1, -2, -3, base.limits());

        assertThatThrownBy(() -> PlanRules.check(plan))
                .isInstanceOfSatisfying(QuiverException.class, refusal -> assertThat(refusal.errors())
                        .extracting(FieldError::field).containsExactly("included_read_units",
                                "included_write_units", "included_storage_gib_months"));
    }

    @Test
    void refusesANegativeEmbeddingPriceAndAllowanceNamingEach() {
        Plan base = plan("embedded", 0, "USD", 0, 1);
        Plan plan = new Plan(base.name(), 0, "USD", 0, 0, 0, 0, 0, 0, -5, -6, base.limits());

        assertThatThrownBy(() -> PlanRules.check(plan))
                .isInstanceOfSatisfying(QuiverException.class, refusal -> assertThat(refusal.errors())
                        .extracting(FieldError::field).containsExactly("embedding_unit_price",
                                "included_embedding_units"));
    }

    @Test
    void refusesANegativeOverride() {
        PlanRules.checkOverride(0);
        assertThatThrownBy(() -> PlanRules.checkOverride(-1))
                .isInstanceOfSatisfying(QuiverException.class, refusal -> assertThat(refusal.errors())
                        .extracting(FieldError::field).containsExactly("limit"));
    }

    private static Plan plan(String name, long fee, String currency, long readPrice, long batchLimit) {
        Map<Quota, Long> limits = new EnumMap<>(Quota.class);
        for (Quota quota : Quota.values()) {
            limits.put(quota, 10L);
        }
        limits.put(Quota.RECORDS_PER_BATCH, batchLimit);
        return new Plan(name, fee, currency, readPrice, 0, 0, 0, 0, 0, limits);
    }
}
