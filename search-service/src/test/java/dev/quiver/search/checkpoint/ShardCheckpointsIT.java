package dev.quiver.search.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.common.FileTrees;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.objectstore.FileObjectStore;
import dev.quiver.search.objectstore.ObjectStore;
import dev.quiver.search.objectstore.ObjectStoreException;
import dev.quiver.search.objectstore.StoredObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checkpoints against a real PostgreSQL migrated as the server migrates it and a real object store. The tests use
 * only the {@link ObjectStore} interface, so they can run on any store: {@link #objectStore(Path)} picks it.
 */
class ShardCheckpointsIT extends SearchNodeFixture {

    private ObjectStore store;

    /** The store under test; a real one, here the filesystem store of standalone mode. */
    ObjectStore objectStore(Path directory) {
        return new FileObjectStore(directory);
    }

    @BeforeEach
    void openObjectStore() {
        store = objectStore(temporary.resolve("objects"));
    }

    @Test
    void checkpointUploadsOnlyFilesNotInTheStoreAndRecordsItsManifest() throws IOException {
        SearchNode node = start(store, Duration.ofHours(24));
        CollectionView collection = create(node, "uploads");
        node.write(collection, batch(0, 200));

        assertThat(node.checkpoint(collection)).isTrue();
        RecordedCheckpoint first = node.recordedCheckpoints(collection).getLast();
        CheckpointManifest firstManifest = manifest(first);
        assertThat(first.sequence()).isEqualTo(1);
        assertThat(firstManifest.sequence()).isEqualTo(1);
        assertThat(firstManifest.epoch()).isZero();
        assertThat(firstManifest.files()).extracting(CheckpointManifest.ManifestFile::key)
                .containsExactlyElementsOf(first.fileKeys())
                .allSatisfy(key -> assertThat(key).startsWith(ObjectStoreCheckpoints.shardPrefix(tenant,
                        collection.id(), 0) + "files/"));
        assertThat(storedKeys()).containsAll(first.fileKeys()).contains(first.manifestKey());
        assertThat(node.uploadedBytes()).isEqualTo(bytes(firstManifest));
        assertThat(node.checkpoint(collection)).as("nothing new committed").isFalse();

        node.write(collection, batch(1, 200));
        double uploadedBefore = node.uploadedBytes();
        assertThat(node.checkpoint(collection)).isTrue();

        CheckpointManifest second = manifest(node.recordedCheckpoints(collection).getLast());
        Set<String> firstKeys = new HashSet<>(first.fileKeys());
        long newBytes = second.files().stream().filter(file -> !firstKeys.contains(file.key()))
                .mapToLong(CheckpointManifest.ManifestFile::length).sum();
        assertThat(second.sequence()).isEqualTo(2);
        assertThat(second.files()).as("the first segment is shared")
                .anyMatch(file -> firstKeys.contains(file.key()));
        assertThat(node.uploadedBytes() - uploadedBefore).isEqualTo(newBytes).isLessThan(bytes(second));
    }

    @Test
    void whenLocalShardDirectoryIsLostThenRestartRestoresFromCheckpointAndReplaysTheLogAfterIt() throws IOException {
        SearchNode first = start(store, Duration.ofHours(24));
        CollectionView collection = create(first, "restore");
        List<RecordWrite> written = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            WriteBatch batch = batch(i, 100);
            written.addAll(batch.records());
            first.write(collection, batch);
        }
        assertThat(first.checkpoint(collection)).isTrue();
        for (int i = 3; i < 5; i++) {
            WriteBatch batch = batch(i, 100);
            written.addAll(batch.records());
            first.write(collection, batch);
        }
        List<StoredRecord> before = first.all(collection);
        first.crash();
        nodes.remove(first);
        FileTrees.deleteRecursively(shardsDirectory);

        SearchNode second = start(store, Duration.ofHours(24));
        List<StoredRecord> after = second.all(collection);

        assertThat(second.committed(collection).index().committedSequence()).isEqualTo(5);
        assertThat(after).hasSize(written.size());
        assertThat(after).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(before);
        for (int i = 0; i < written.size(); i++) {
            RecordWrite expected = written.get(i);
            StoredRecord actual = after.get(i);
            assertThat(actual.id()).isEqualTo(expected.id());
            assertThat(actual.embedding()).containsExactly(expected.embedding());
            assertThat(actual.document()).isEqualTo(expected.document());
            assertThat(actual.metadata()).isEqualTo(expected.metadata());
        }
    }

    @Test
    void whenLocalCommitIsOlderThanTheNewestCheckpointThenTheShardIsRestoredFromTheCheckpoint() throws IOException {
        SearchNode first = start(store, Duration.ZERO);
        CollectionView collection = create(first, "stale-local");
        first.write(collection, batch(0, 100));
        first.committed(collection);
        first.crash();
        nodes.remove(first);
        Path stale = temporary.resolve("stale-copy");
        copyRecursively(shardsDirectory, stale);

        SearchNode second = start(store, Duration.ZERO);
        second.write(collection, batch(1, 100));
        assertThat(second.checkpoint(collection)).isTrue();
        assertThat(second.logSequences(tenant, collection)).as("truncated through the checkpoint").isEmpty();
        List<StoredRecord> expected = second.all(collection);
        second.crash();
        nodes.remove(second);
        FileTrees.deleteRecursively(shardsDirectory);
        copyRecursively(stale, shardsDirectory);

        SearchNode third = start(store, Duration.ZERO);

        assertThat(third.all(collection)).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(expected).hasSize(200);
    }

    @Test
    void whenNeitherLocalCommitNorACheckpointReachesTheLogThenTheShardRefusesToOpen() {
        SearchNode first = start(store, Duration.ZERO);
        CollectionView collection = create(first, "gap");
        first.write(collection, batch(0, 50));
        first.write(collection, batch(1, 50));
        assertThat(first.checkpoint(collection)).isTrue();
        first.write(collection, batch(2, 50));
        first.crash();
        nodes.remove(first);
        FileTrees.deleteRecursively(shardsDirectory);
        first.jdbc.sql("delete from quiver.shard_checkpoints where collection_id = :id")
                .param("id", collection.id().value())
                .update();

        SearchNode second = start(store, Duration.ZERO);

        assertThatThrownBy(() -> second.all(collection)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("starts at sequence 3").hasMessageContaining("holds only up to sequence 0");
    }

    @Test
    void logIsTruncatedOnlyThroughACheckpointOlderThanTheRetention() {
        SearchNode node = start(store, Duration.ofHours(1));
        CollectionView collection = create(node, "retention");
        for (int i = 0; i < 3; i++) {
            node.write(collection, batch(i, 50));
        }
        assertThat(node.checkpoint(collection)).isTrue();
        RecordedCheckpoint atThree = node.recordedCheckpoints(collection).getLast();
        clock.advance(Duration.ofMinutes(10));
        node.write(collection, batch(3, 50));
        node.write(collection, batch(4, 50));
        assertThat(node.checkpoint(collection)).isTrue();
        assertThat(node.logSequences(tenant, collection)).as("every checkpoint is within the retention")
                .containsExactly(1L, 2L, 3L, 4L, 5L);

        clock.advance(Duration.ofMinutes(55));
        node.checkpoint(collection);

        assertThat(node.logSequences(tenant, collection)).as("only the checkpoint from before the retention counts")
                .containsExactly(4L, 5L);
        assertThat(node.recordedCheckpoints(collection)).extracting(RecordedCheckpoint::sequence)
                .containsExactly(3L, 5L);
        assertThat(storedKeys()).contains(atThree.manifestKey()).containsAll(atThree.fileKeys());

        clock.advance(Duration.ofMinutes(10));
        node.checkpoint(collection);

        RecordedCheckpoint atFive = node.recordedCheckpoints(collection).getLast();
        assertThat(node.logSequences(tenant, collection)).isEmpty();
        assertThat(node.recordedCheckpoints(collection)).extracting(RecordedCheckpoint::sequence).containsExactly(5L);
        List<String> expected = new ArrayList<>(atFive.fileKeys());
        expected.add(atFive.manifestKey());
        assertThat(storedKeys()).as("the older checkpoint's manifest and unshared files are gone")
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aCollectionNotCountedYetKeepsItsWholeLogForTheRecount() {
        SearchNode node = start(store, Duration.ZERO);
        CollectionView collection = create(node, "uncounted");
        node.write(collection, batch(0, 50));
        node.write(collection, batch(1, 50));
        node.jdbc.sql("update quiver.collections set counted = false where id = :id")
                .param("id", collection.id().value())
                .update();

        assertThat(node.checkpoint(collection)).isTrue();

        assertThat(node.logSequences(tenant, collection)).containsExactly(1L, 2L);
    }

    @Test
    void whenAnUploadFailsThenTheLogIsKeptAndTheNextCheckpointSucceeds() {
        FailingObjectStore failing = new FailingObjectStore(store);
        SearchNode node = start(failing, Duration.ZERO);
        CollectionView collection = create(node, "failing");
        node.write(collection, batch(0, 100));
        node.write(collection, batch(1, 100));
        failing.failUpload(2);

        assertThatThrownBy(() -> node.checkpoint(collection)).isInstanceOf(ObjectStoreException.class);

        assertThat(node.recordedCheckpoints(collection)).isEmpty();
        assertThat(node.logSequences(tenant, collection)).containsExactly(1L, 2L);

        assertThat(node.checkpoint(collection)).isTrue();

        assertThat(node.recordedCheckpoints(collection)).extracting(RecordedCheckpoint::sequence).containsExactly(2L);
        assertThat(node.logSequences(tenant, collection)).isEmpty();
        List<StoredRecord> expected = node.all(collection);
        node.crash();
        nodes.remove(node);
        FileTrees.deleteRecursively(shardsDirectory);
        assertThat(start(store, Duration.ZERO).all(collection)).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(expected).hasSize(200);
    }

    @Test
    void whenACollectionIsDeletedThenItsCheckpointsAndObjectsAreDeletedInTheBackground() {
        SearchNode node = start(store, Duration.ofHours(24));
        CollectionView deleted = create(node, "deleted");
        CollectionView kept = create(node, "kept");
        node.write(deleted, batch(0, 50));
        node.write(kept, batch(0, 50));
        assertThat(node.checkpoint(deleted)).isTrue();
        assertThat(node.checkpoint(kept)).isTrue();

        node.catalog.delete(node.current(deleted));
        node.checkpoints.purgeDeleted();

        assertThat(store.list(ObjectStoreCheckpoints.collectionPrefix(tenant, deleted.id()))).isEmpty();
        assertThat(node.recordedCheckpoints(deleted)).isEmpty();
        assertThat(store.list(ObjectStoreCheckpoints.collectionPrefix(tenant, kept.id()))).isNotEmpty();
        assertThat(node.recordedCheckpoints(kept)).hasSize(1);
    }

    SearchNode start(ObjectStore objectStore, Duration retention) {
        return started(new SearchNode(postgres.getPostgresDatabase(), shardsDirectory, objectStore, retention,
                clock));
    }

    CollectionView create(SearchNode node, String name) {
        return node.catalog.create(new CreateCollection(database, name, null, HnswConfiguration.DEFAULT, null,
                false));
    }

    private CheckpointManifest manifest(RecordedCheckpoint checkpoint) {
        return JsonMapper.builder().build().readValue(store.read(checkpoint.manifestKey()).orElseThrow(),
                CheckpointManifest.class);
    }

    private Set<String> storedKeys() {
        Set<String> keys = new HashSet<>();
        for (StoredObject object : store.list("tenants/" + tenant.value() + "/")) {
            keys.add(object.key());
        }
        return keys;
    }

    private static long bytes(CheckpointManifest manifest) {
        return manifest.files().stream().mapToLong(CheckpointManifest.ManifestFile::length).sum();
    }

    /** Records {@code batch-i} with seeded vectors, a document and metadata of several types. */
    static WriteBatch batch(int batch, int size) {
        Random random = new Random(batch);
        List<RecordWrite> records = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            float[] embedding = new float[DIMENSION];
            for (int j = 0; j < DIMENSION; j++) {
                embedding[j] = random.nextFloat();
            }
            Map<String, MetadataValue> metadata = new LinkedHashMap<>();
            metadata.put("batch", new MetadataValue.IntValue(batch));
            metadata.put("score", new MetadataValue.FloatValue(random.nextDouble()));
            metadata.put("tag", new MetadataValue.StringValue("tag-" + (i % 7)));
            records.add(new RecordWrite("r-" + batch + "-" + i, embedding, "document " + batch + " " + i, metadata,
                    null));
        }
        return new WriteBatch(WriteBatch.Operation.ADD, records);
    }


    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
