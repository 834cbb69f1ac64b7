package dev.quiver.search.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShardRoutingTests {

    /**
     * Pinned for all time: every shard of every existing collection was written with these routes. A change here
     * means records already written would be looked for on the wrong shard.
     */
    @Test
    void routesAreFixedForever() {
        assertThat(ShardRouting.shardOf("id1", 4)).isEqualTo(3);
        assertThat(ShardRouting.shardOf("r-0-0", 4)).isEqualTo(1);
        assertThat(ShardRouting.shardOf("doc-42", 4)).isEqualTo(2);
        assertThat(ShardRouting.shardOf("a", 4)).isEqualTo(0);
        assertThat(ShardRouting.shardOf("ünïcödé", 7)).isEqualTo(4);
        assertThat(ShardRouting.shardOf("doc-42", 64)).isEqualTo(18);
        assertThat(ShardRouting.shardOf("", 64)).isEqualTo(9);
    }

    @Test
    void oneShardHoldsEverything() {
        assertThat(ShardRouting.shardOf("id1", 1)).isZero();
        assertThat(ShardRouting.shardOf("", 1)).isZero();
    }

    @Test
    void spreadsSequentialIdsEvenlyOverShards() {
        for (int shards : new int[] {2, 4, 7, 64}) {
            int[] counts = new int[shards];
            int ids = 100_000;
            for (int i = 0; i < ids; i++) {
                counts[ShardRouting.shardOf("id-" + i, shards)]++;
            }
            double expected = (double) ids / shards;
            // Within 5% of an even share for up to 7 shards; 64 shards hold ~1,560 ids each, so 10%.
            double tolerance = shards <= 7 ? 0.05 : 0.10;
            for (int shard = 0; shard < shards; shard++) {
                assertThat((double) counts[shard]).as("shard %d of %d", shard, shards)
                        .isBetween(expected * (1 - tolerance), expected * (1 + tolerance));
            }
        }
    }

    @Test
    void refusesAShardCountBelowOne() {
        assertThatThrownBy(() -> ShardRouting.shardOf("id1", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }
}
