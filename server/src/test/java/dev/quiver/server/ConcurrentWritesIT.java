package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.QuiverApplication;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.index.BatchCodec;
import dev.quiver.tenant.api.TenantCatalog;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The write path under concurrency, against the real embedded PostgreSQL: writers of one collection get distinct
 * log positions in commit order, and the shard applies every batch exactly once, in that order.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ConcurrentWritesIT extends StandaloneContext {

    @Autowired
    TenantCatalog tenants;

    @Autowired
    CollectionCatalog collections;

    @Autowired
    RecordStore records;

    @Autowired
    JdbcClient jdbc;

    @Test
    void whenManyWritersAddToOneCollectionThenEveryRecordIsStoredOnce() throws Exception {
        CollectionView collection = create("concurrent-adds");
        int writers = 8;
        int batchesPerWriter = 10;
        int batchSize = 50;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                int id = writer;
                futures.add(pool.submit(() -> {
                    Random random = new Random(id);
                    for (int batch = 0; batch < batchesPerWriter; batch++) {
                        List<RecordWrite> batchRecords = new ArrayList<>();
                        for (int i = 0; i < batchSize; i++) {
                            batchRecords.add(new RecordWrite("w" + id + "-" + batch + "-" + i,
                                    vector(random), null, Map.of("writer", new MetadataValue.IntValue(id)), null));
                        }
                        records.write(collection, new WriteBatch(WriteBatch.Operation.ADD, batchRecords));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }

        CollectionView after = collections.findById(collection.database(), collection.id()).orElseThrow();
        assertThat(after.logPosition()).isEqualTo(writers * batchesPerWriter);
        assertThat(records.count(after)).isEqualTo(writers * batchesPerWriter * batchSize);
    }

    @Test
    void whenUpdatesOfOneRecordRaceThenTheLastLoggedOneWins() throws Exception {
        CollectionView collection = create("concurrent-updates");
        records.write(collection, new WriteBatch(WriteBatch.Operation.ADD,
                List.of(new RecordWrite("shared", new float[] {1, 0, 0}, "first", null, null))));
        int writers = 16;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                String document = "writer-" + writer;
                futures.add(pool.submit(() -> {
                    records.write(collection, new WriteBatch(WriteBatch.Operation.UPDATE,
                            List.of(new RecordWrite("shared", null, document, null, null))));
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }

        CollectionView after = collections.findById(collection.database(), collection.id()).orElseThrow();
        List<StoredRecord> stored = records.get(after, new RecordFilter(List.of("shared"), null, null), 0, 10,
                EnumSet.of(Include.DOCUMENTS));
        byte[] lastLogged = jdbc.sql("select payload from " + after.database().tenant().id().schemaName()
                        + ".wal where collection_id = :id order by sequence desc limit 1")
                .param("id", after.id().value())
                .query(byte[].class)
                .single();
        String lastDocument = BatchCodec.decode(lastLogged).records().getFirst().document();
        assertThat(after.logPosition()).isEqualTo(1 + writers);
        assertThat(stored).singleElement().satisfies(record -> assertThat(record.document()).isEqualTo(lastDocument));
    }

    private CollectionView create(String name) {
        return DefaultDatabase.createCollection(tenants, collections, name);
    }

    private static float[] vector(Random random) {
        return new float[] {random.nextFloat(), random.nextFloat(), random.nextFloat()};
    }
}
