package dev.quiver.billing.plan;

import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.QuotaRefusals;
import dev.quiver.common.QuotaRefusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts refusals in {@code quiver.billing.quota.refusals}, tagged {@code quota} with the quota's key. Every quota's
 * counter is registered when this is built, so each is exported at 0 before its first refusal and a rate over it is
 * defined from the start. Thread-safe.
 */
public final class MeteredQuotaRefusals implements QuotaRefusals {

    /** The counter's name. */
    public static final String METER = "quiver.billing.quota.refusals";

    private final Map<Quota, Counter> counters = new EnumMap<>(Quota.class);

    public MeteredQuotaRefusals(MeterRegistry registry) {
        for (Quota quota : Quota.values()) {
            counters.put(quota, Counter.builder(METER)
                    .description("Requests refused because a plan's quota would be exceeded")
                    .tag("quota", quota.key())
                    .register(registry));
        }
    }

    @Override
    public void refused(QuotaRefusal refusal) {
        Quota.fromKey(refusal.quota()).map(counters::get).ifPresent(Counter::increment);
    }
}
