package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.QuiverApplication;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionChange;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The in-memory catalogue of standalone mode (this process is PostgreSQL's only writer): lookups are served from
 * memory, yet every change made through this process, and every acknowledged write, is seen by the next lookup.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class CatalogCacheIT extends StandaloneContext {

    @Autowired
    TenantCatalog tenants;

    @Autowired
    CollectionCatalog collections;

    @Autowired
    RecordStore records;

    @Autowired
    JdbcClient jdbc;

    @Test
    void whenSoleWriterThenRepeatedLookupsAreServedFromMemory() {
        CollectionView created = DefaultDatabase.createCollection(tenants, collections, "served-from-memory");
        find(created);
        // Behind the catalogue's back, as only another process could: the cached row stays in use.
        jdbc.sql("update quiver.collections set name = 'changed-behind-its-back' where id = :id")
                .param("id", created.id().value())
                .update();

        assertThat(find(created).name()).isEqualTo("served-from-memory");
    }

    @Test
    void whenCollectionIsModifiedThenTheNextLookupSeesTheChange() {
        CollectionView created = DefaultDatabase.createCollection(tenants, collections, "to-be-renamed");
        CollectionView cached = find(created);

        collections.modify(cached, new CollectionChange("renamed", null, null));

        CollectionView found = find(created);
        assertThat(found.name()).isEqualTo("renamed");
        assertThat(found.version()).isEqualTo(cached.version() + 1);
    }

    @Test
    void whenCollectionIsDeletedThenItIsNotFoundAnyMore() {
        CollectionView created = DefaultDatabase.createCollection(tenants, collections, "to-be-deleted");
        collections.delete(find(created));

        assertThat(collections.findById(created.database(), created.id())).isEmpty();
    }

    @Test
    void whenDatabaseIsDeletedThenItIsNotFoundAndARecreatedOneIsNew() {
        TenantView tenant = tenants.findTenant(TenantCatalog.DEFAULT_TENANT).orElseThrow();
        DatabaseView first = tenants.createDatabase(tenant, "short-lived");
        assertThat(tenants.findDatabase(tenant, "short-lived")).contains(first);

        tenants.deleteDatabase(first);
        assertThat(tenants.findDatabase(tenant, "short-lived")).isEmpty();

        DatabaseView second = tenants.createDatabase(tenant, "short-lived");
        assertThat(tenants.findDatabase(tenant, "short-lived")).contains(second);
        assertThat(second.id()).isNotEqualTo(first.id());
    }

    @Test
    void whenAWriteIsAcknowledgedThenTheNextLookupCarriesItsPositionAndAQuerySeesIt() {
        CollectionView created = DefaultDatabase.createCollection(tenants, collections, "read-your-writes");
        assertThat(find(created).dimension()).isNull();

        for (int i = 1; i <= 20; i++) {
            records.write(find(created), add("r" + i, i));

            CollectionView found = find(created);
            assertThat(found.logPosition()).isEqualTo(i);
            assertThat(found.dimension()).isEqualTo(3);
            List<List<Hit>> hits = records.query(found, new float[][] {{i, 0, 0}}, 1, RecordFilter.ALL,
                    Set.of(Include.DISTANCES));
            assertThat(hits.getFirst()).extracting(hit -> hit.record().id()).containsExactly("r" + i);
        }
    }

    @Test
    void whenTheFirstVectorsArriveWhileOthersLookUpThenNoLookupKeepsTheMissingDimension() throws Exception {
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 20; round++) {
                CollectionView created = DefaultDatabase.createCollection(tenants, collections, "race-" + round);
                AtomicBoolean stop = new AtomicBoolean();
                Future<?> reader = readers.submit(() -> {
                    while (!stop.get()) {
                        find(created);
                    }
                });
                records.write(created, add("first", 1));
                stop.set(true);
                reader.get();

                assertThat(find(created).dimension()).isEqualTo(3);
                assertThat(find(created).logPosition()).isEqualTo(1);
            }
        }
    }

    private CollectionView find(CollectionView collection) {
        return collections.findById(collection.database(), collection.id()).orElseThrow();
    }

    private static WriteBatch add(String id, float x) {
        return new WriteBatch(WriteBatch.Operation.ADD,
                List.of(new RecordWrite(id, new float[] {x, 0, 0}, null, null, null)));
    }
}
