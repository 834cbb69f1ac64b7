package dev.quiver.billing.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.common.QuotaExceededException;
import dev.quiver.common.QuotaLimit;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuotaTests {

    @Test
    void keysAreLowerCaseNamesAndFindTheirQuota() {
        assertThat(Quota.RECORDS_PER_BATCH.key()).isEqualTo("records_per_batch");
        for (Quota quota : Quota.values()) {
            assertThat(Quota.fromKey(quota.key())).contains(quota);
        }
        assertThat(Quota.fromKey("RECORDS_PER_BATCH")).isEmpty();
    }

    @Test
    void aLimitAllowsUpToItselfAndRefusesAboveWithChromaCloudsMessage() {
        QuotaLimit limit = Quota.DATABASES.limit(3);
        limit.check("Create Database", 3);

        assertThatThrownBy(() -> limit.check("Create Database", 4))
                .isInstanceOfSatisfying(QuotaExceededException.class, refusal -> {
                    assertThat(refusal.quota()).isEqualTo("databases");
                    assertThat(refusal.limit()).isEqualTo(3);
                    assertThat(refusal.current()).isEqualTo(4);
                    assertThat(refusal.getMessage()).isEqualTo("Quota exceeded: 'Number of databases' exceeded "
                            + "quota limit for action 'Create Database': current usage of 4 exceeds limit of 3");
                });
    }

    @Test
    void overridesReplaceThePlansLimitForThatQuotaOnly() {
        Plan plan = plan("free", 100);
        TenantLimits limits = TenantLimits.of(plan, Map.of(Quota.RECORDS_PER_BATCH, 5L));

        assertThat(limits.limit(Quota.RECORDS_PER_BATCH)).isEqualTo(5);
        assertThat(limits.limit(Quota.DATABASES)).isEqualTo(100);
        assertThat(limits.quota(Quota.RECORDS_PER_BATCH)).isEqualTo(new QuotaLimit("records_per_batch",
                "Number of records", 5));
        assertThat(limits.overrides()).containsOnlyKeys(Quota.RECORDS_PER_BATCH);
    }

    @Test
    void aPlanMustNameEveryQuota() {
        assertThatThrownBy(() -> new Plan("partial", 0, "USD", 0, 0, 0, 0, 0, 0, Map.of(Quota.DATABASES, 1L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("every quota");
    }

    static Plan plan(String name, long every) {
        Map<Quota, Long> limits = new EnumMap<>(Quota.class);
        for (Quota quota : Quota.values()) {
            limits.put(quota, every);
        }
        return new Plan(name, 0, "USD", 0, 0, 0, 0, 0, 0, limits);
    }
}
