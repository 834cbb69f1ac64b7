package dev.quiver.search.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.search.api.CollectionId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RendezvousPlacementTests {

    private static final int SHARDS = 10_000;

    /** 2,500 collections of 4 shards each, from a fixed seed. */
    private static final List<ShardKey> KEYS = shards(SHARDS, 4, 42);

    private static final List<NodeId> FIVE = nodes("search-0", "search-1", "search-2", "search-3", "search-4");

    @Test
    void samePlacementWhateverOrderTheNodesAreListedIn() {
        RendezvousPlacement placement = new RendezvousPlacement(FIVE);
        RendezvousPlacement reversed = new RendezvousPlacement(FIVE.reversed());

        for (ShardKey shard : KEYS) {
            assertThat(reversed.owner(shard)).isEqualTo(placement.owner(shard));
        }
    }

    @Test
    void placementOfAShardIsFixedByTheShardAndTheNodesAlone() {
        ShardKey shard = new ShardKey(new CollectionId(UUID.fromString("8c3a9f0e-2d4b-4e7a-9b1c-5f6d7e8a9b0c")), 3);
        ShardKey sameShard = new ShardKey(new CollectionId(UUID.fromString("8c3a9f0e-2d4b-4e7a-9b1c-5f6d7e8a9b0c")),
                3);

        assertThat(new RendezvousPlacement(FIVE).owner(sameShard))
                .isEqualTo(new RendezvousPlacement(List.copyOf(FIVE)).owner(shard));
    }

    @Test
    void tenThousandShardsSpreadOverFiveNodesWithinFivePercentOfAnEqualShare() {
        Map<NodeId, Integer> counts = count(new RendezvousPlacement(FIVE));

        assertThat(counts).hasSize(5);
        int share = SHARDS / 5;
        for (int count : counts.values()) {
            assertThat(count).isBetween(share - share / 20, share + share / 20);
        }
    }

    @Test
    void uuidNodeIdsSpreadAsEvenlyAsNamedOnes() {
        Random random = new Random(7);
        List<NodeId> nodes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            nodes.add(new NodeId(new UUID(random.nextLong(), random.nextLong()).toString()));
        }

        Map<NodeId, Integer> counts = count(new RendezvousPlacement(nodes));

        int share = SHARDS / 5;
        assertThat(counts.values()).allSatisfy(count -> assertThat(count)
                .isBetween(share - share / 20, share + share / 20));
    }

    @Test
    void whenANodeLeavesThenOnlyItsShardsMove() {
        RendezvousPlacement before = new RendezvousPlacement(FIVE);
        NodeId leaving = FIVE.get(2);
        List<NodeId> remaining = new ArrayList<>(FIVE);
        remaining.remove(leaving);
        RendezvousPlacement after = new RendezvousPlacement(remaining);

        int moved = 0;
        Map<NodeId, Integer> receivers = new HashMap<>();
        for (ShardKey shard : KEYS) {
            NodeId owner = before.owner(shard);
            if (owner.equals(leaving)) {
                moved++;
                receivers.merge(after.owner(shard), 1, Integer::sum);
            } else {
                assertThat(after.owner(shard)).as("shard %s of a node that stayed", shard).isEqualTo(owner);
            }
        }

        assertThat(moved).isPositive();
        assertThat(receivers).as("the leaving node's shards spread over every remaining node").hasSize(4);
        for (int received : receivers.values()) {
            assertThat(received).isBetween(moved / 4 - moved / 10, moved / 4 + moved / 10);
        }
    }

    @Test
    void whenANodeJoinsThenItTakesAboutOneSixthAndOnlyFromOthers() {
        RendezvousPlacement before = new RendezvousPlacement(FIVE);
        NodeId joining = new NodeId("search-5");
        List<NodeId> six = new ArrayList<>(FIVE);
        six.add(joining);
        RendezvousPlacement after = new RendezvousPlacement(six);

        int taken = 0;
        Map<NodeId, Integer> givers = new HashMap<>();
        for (ShardKey shard : KEYS) {
            NodeId owner = after.owner(shard);
            if (owner.equals(joining)) {
                taken++;
                givers.merge(before.owner(shard), 1, Integer::sum);
            } else {
                assertThat(owner).as("shard %s moved between nodes that stayed", shard)
                        .isEqualTo(before.owner(shard));
            }
        }

        int share = SHARDS / 6;
        assertThat(taken).isBetween(share - share / 10, share + share / 10);
        assertThat(givers).as("taken from every node").hasSize(5);
    }

    @Test
    void aSingleNodeOwnsEveryShard() {
        RendezvousPlacement placement = new RendezvousPlacement(nodes("only"));

        assertThat(count(placement)).containsExactly(Map.entry(new NodeId("only"), SHARDS));
    }

    @Test
    void refusesNoNodesAndANodeListedTwice() {
        assertThatThrownBy(() -> new RendezvousPlacement(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no nodes");
        assertThatThrownBy(() -> new RendezvousPlacement(nodes("a", "b", "a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a");
    }

    @Test
    void theMixChangesAboutHalfTheOutputBitsForEveryInputBit() {
        Random random = new Random(11);
        long flipped = 0;
        int trials = 1000;
        for (int trial = 0; trial < trials; trial++) {
            long value = random.nextLong();
            int bit = random.nextInt(64);
            flipped += Long.bitCount(RendezvousPlacement.mix(value) ^ RendezvousPlacement.mix(value ^ (1L << bit)));
        }

        assertThat((double) flipped / trials).isBetween(30.0, 34.0);
    }

    private static Map<NodeId, Integer> count(RendezvousPlacement placement) {
        Map<NodeId, Integer> counts = new HashMap<>();
        for (ShardKey shard : KEYS) {
            counts.merge(placement.owner(shard), 1, Integer::sum);
        }
        return counts;
    }

    private static List<ShardKey> shards(int total, int perCollection, long seed) {
        Random random = new Random(seed);
        List<ShardKey> shards = new ArrayList<>(total);
        while (shards.size() < total) {
            CollectionId collection = new CollectionId(new UUID(random.nextLong(), random.nextLong()));
            for (int shard = 0; shard < perCollection; shard++) {
                shards.add(new ShardKey(collection, shard));
            }
        }
        return shards;
    }

    private static List<NodeId> nodes(String... ids) {
        List<NodeId> nodes = new ArrayList<>();
        for (String id : ids) {
            nodes.add(new NodeId(id));
        }
        return nodes;
    }
}
