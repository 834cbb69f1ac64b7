package dev.quiver.search.index;

import static dev.quiver.search.index.Records.add;
import static dev.quiver.search.index.Records.metadata;
import static dev.quiver.search.index.Records.record;
import static dev.quiver.search.index.Records.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.search.api.Include;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardIndexGetTests {

    @TempDir
    Path directory;

    private ShardIndex shard;

    @BeforeEach
    void indexTenRecordsInThreeBatches() {
        shard = Records.open(directory, Metric.COSINE);
        // Ids deliberately out of lexical order: the answer must follow insertion, not ids or doc ids.
        shard.apply(3, batch("r9", "r2", "r7"));
        shard.refresh();
        shard.apply(8, batch("r0", "r5", "r1", "r8"));
        shard.apply(12, batch("r4", "r6", "r3"));
        shard.refresh();
    }

    @AfterEach
    void closeShard() {
        shard.close();
    }

    @Test
    void returnsRecordsInInsertionOrder() {
        assertThat(ids(shard.get(RecordFilter.ALL, 0, Integer.MAX_VALUE, Include.none())))
                .containsExactly("r9", "r2", "r7", "r0", "r5", "r1", "r8", "r4", "r6", "r3");
    }

    @Test
    void returnsRequestedIdsInInsertionOrderNotRequestOrder() {
        RecordFilter filter = new RecordFilter(List.of("r3", "zz", "r2", "r5"), null, null);

        assertThat(ids(shard.get(filter, 0, 100, Include.none()))).containsExactly("r2", "r5", "r3");
    }

    @Test
    void appliesOffsetAndLimitAfterFiltering() {
        assertThat(ids(shard.get(RecordFilter.ALL, 3, 4, Include.none()))).containsExactly("r0", "r5", "r1", "r8");
        assertThat(ids(shard.get(RecordFilter.ALL, 8, 100, Include.none()))).containsExactly("r6", "r3");
        assertThat(shard.get(RecordFilter.ALL, 10, 5, Include.none())).isEmpty();
        assertThat(shard.get(RecordFilter.ALL, Integer.MAX_VALUE, Integer.MAX_VALUE, Include.none())).isEmpty();
        assertThat(shard.get(RecordFilter.ALL, 0, 0, Include.none())).isEmpty();
    }

    @Test
    void loadsOnlyTheIncludedParts() {
        RecordFilter filter = new RecordFilter(List.of("r2"), null, null);

        StoredRecord idOnly = shard.get(filter, 0, 1, Include.none()).getFirst();
        StoredRecord documentAndUri = shard.get(filter, 0, 1, EnumSet.of(Include.DOCUMENTS, Include.URIS)).getFirst();
        StoredRecord everything = shard.get(filter, 0, 1, EnumSet.allOf(Include.class)).getFirst();

        assertThat(idOnly).usingRecursiveComparison().isEqualTo(new StoredRecord("r2", null, null, null, null));
        assertThat(documentAndUri).usingRecursiveComparison()
                .isEqualTo(new StoredRecord("r2", null, "document r2", null, "uri:r2"));
        assertThat(everything).usingRecursiveComparison()
                .isEqualTo(new StoredRecord("r2", vector(2f, -1f), "document r2", metadata("n", 2), "uri:r2"));
    }

    @Test
    void matchingIdsListsEveryMatchInInsertionOrder() {
        assertThat(shard.matchingIds(new RecordFilter(List.of("r8", "r9"), null, null))).containsExactly("r9", "r8");
        assertThat(shard.count()).isEqualTo(10);
    }

    @Test
    void rejectsNegativeOffsetAndLimit() {
        Set<Include> none = Include.none();

        assertThatThrownBy(() -> shard.get(RecordFilter.ALL, -1, 1, none)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> shard.get(RecordFilter.ALL, 0, -1, none)).isInstanceOf(IllegalArgumentException.class);
    }

    private static WriteBatch batch(String... ids) {
        List<RecordWrite> records = new ArrayList<>(ids.length);
        for (String id : ids) {
            int n = Integer.parseInt(id.substring(1));
            records.add(record(id, vector(n, -1f), "document " + id, metadata("n", n), "uri:" + id));
        }
        return add(records.toArray(RecordWrite[]::new));
    }

    private static List<String> ids(List<StoredRecord> records) {
        List<String> ids = new ArrayList<>(records.size());
        for (StoredRecord record : records) {
            ids.add(record.id());
        }
        return ids;
    }
}
