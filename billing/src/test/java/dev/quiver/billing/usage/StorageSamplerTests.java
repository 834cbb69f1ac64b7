package dev.quiver.billing.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionUsage;
import dev.quiver.tenant.api.DatabaseId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StorageSamplerTests {

    private static final Duration INTERVAL = Duration.ofMinutes(5);
    private static final Instant NOW = Instant.parse("2026-11-26T10:05:00Z");

    private final CollectionUsage small = usage(1, 1_200);
    private final CollectionUsage large = usage(2, 7_200_000);
    private final CollectionUsage empty = usage(3, 0);

    @Test
    void firstSampleEverOnlyRecordsTheTime() {
        assertThat(StorageSampler.events(null, NOW, INTERVAL, List.of(small, large))).isEmpty();
    }

    @Test
    void chargesEachCollectionsBytesForTheTimeSinceTheLastSample() {
        List<MeteringEvent> events = StorageSampler.events(NOW.minus(INTERVAL), NOW, INTERVAL,
                List.of(small, large, empty));

        // 1,200 bytes x 1/12 h = 100; 7,200,000 bytes x 1/12 h = 600,000; nothing stored, nothing charged.
        assertThat(events).extracting(MeteringEvent::collection, MeteringEvent::units).containsExactly(
                tuple(small.collection(), 100L),
                tuple(large.collection(), 600_000L));
        assertThat(events).allSatisfy(event -> {
            assertThat(event.kind()).isEqualTo(MeteringEvent.Kind.STORAGE);
            assertThat(event.occurredAt()).isEqualTo(NOW);
        });
    }

    @Test
    void aSampleTakenLessThanHalfAnIntervalAgoIsLeftToStand() {
        assertThat(StorageSampler.events(NOW.minusSeconds(149), NOW, INTERVAL, List.of(small))).isNull();
        assertThat(StorageSampler.events(NOW.minusSeconds(150), NOW, INTERVAL, List.of(small))).hasSize(1);
    }

    @Test
    void aLongGapIsChargedInFull() {
        List<MeteringEvent> events = StorageSampler.events(NOW.minus(Duration.ofDays(2)), NOW, INTERVAL,
                List.of(small));

        assertThat(events).extracting(MeteringEvent::units).containsExactly(1_200L * 48);
    }

    private static CollectionUsage usage(int index, long bytes) {
        return new CollectionUsage(new TenantId(new UUID(1, 1)), new DatabaseId(new UUID(2, 2)),
                new CollectionId(new UUID(3, index)), 10, bytes);
    }
}
