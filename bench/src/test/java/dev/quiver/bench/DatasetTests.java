package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatasetTests {

    @Test
    void sameSeedGivesSameDataAndQueriesDoNotDependOnDataSize() {
        var small = Dataset.uniform(42, 10, 5, 4);
        var large = Dataset.uniform(42, 20, 5, 4);

        assertThat(large.vectors()[9]).containsExactly(small.vectors()[9]);
        assertThat(large.queries()).isDeepEqualTo(small.queries());
        assertThat(Dataset.uniform(43, 10, 5, 4).vectors()[0]).isNotEqualTo(small.vectors()[0]);
    }

    @Test
    void idsMapBackToIndexesAndForeignIdsDoNot() {
        assertThat(Dataset.index(Dataset.id(12345))).isEqualTo(12345);
        assertThat(Dataset.index("x1")).isEqualTo(-1);
        assertThat(Dataset.index("v")).isEqualTo(-1);
        assertThat(Dataset.index("vabc")).isEqualTo(-1);
    }
}
