package dev.quiver.search.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ObjectStore} must do, run against each implementation by a subclass. Keys are the same in all,
 * so a checkpoint written through one store reads back the same through the other.
 */
abstract class ObjectStoreContract {

    /** Stores made by subclasses upload files larger than this in parts (S3's smallest part). */
    static final long MULTIPART_THRESHOLD = 5L * 1024 * 1024;

    @TempDir
    Path work;

    /** The store under test, fresh and empty for each test. */
    abstract ObjectStore store();

    /** Checks, where the store can tell, that the object was uploaded as {@code parts} parts. */
    void assertUploadedInParts(String key, int parts) {
    }

    @Test
    void downloadedFileHasTheUploadedBytes() throws IOException {
        Path file = randomFile("segment.bin", 300_000, 1);

        store().put("tenants/t1/collections/c1/shards/0/_0.cfs", file);
        Path target = work.resolve("download/_0.cfs");
        store().download("tenants/t1/collections/c1/shards/0/_0.cfs", target);

        assertThat(target).hasSameBinaryContentAs(file);
        assertThat(filesIn(target.getParent())).containsExactly("_0.cfs");
    }

    @Test
    void readReturnsTheBytesPut() {
        byte[] manifest = "{\"sequence\":42}".getBytes(StandardCharsets.UTF_8);

        store().put("tenants/t1/manifest.json", manifest);

        assertThat(store().read("tenants/t1/manifest.json")).hasValue(manifest);
    }

    @Test
    void readOfAMissingObjectIsEmpty() {
        assertThat(store().read("tenants/t1/missing.json")).isEmpty();
    }

    @Test
    void downloadOfAMissingObjectFailsWithoutRetryAndLeavesNoFile() {
        Path target = work.resolve("download/missing.bin");

        assertThatThrownBy(() -> store().download("tenants/t1/missing.bin", target))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).isFalse());

        assertThat(target).doesNotExist();
        assertThat(filesIn(target.getParent())).isEmpty();
    }

    @Test
    void downloadReplacesAnOlderFileWhole() throws IOException {
        Path file = randomFile("new.bin", 50_000, 2);
        store().put("a/new.bin", file);
        Path target = work.resolve("download/new.bin");
        Files.createDirectories(target.getParent());
        Files.writeString(target, "stale");

        store().download("a/new.bin", target);

        assertThat(target).hasSameBinaryContentAs(file);
        assertThat(filesIn(target.getParent())).containsExactly("new.bin");
    }

    @Test
    void listShowsObjectsUnderThePrefixInKeyOrderWithTheirSizes() {
        store().put("a/b/2", new byte[2]);
        store().put("a/b/1", new byte[1]);
        store().put("a/c/10", new byte[10]);
        store().put("ab/3", new byte[3]);
        store().put("b/4", new byte[4]);

        assertThat(store().list("a/b/")).containsExactly(new StoredObject("a/b/1", 1), new StoredObject("a/b/2", 2));
        assertThat(store().list("a/")).extracting(StoredObject::key).containsExactly("a/b/1", "a/b/2", "a/c/10");
        assertThat(store().list("a")).extracting(StoredObject::key)
                .containsExactly("a/b/1", "a/b/2", "a/c/10", "ab/3");
        assertThat(store().list("")).hasSize(5);
        assertThat(store().list("a/b/1")).extracting(StoredObject::key).containsExactly("a/b/1");
        assertThat(store().list("nothing/")).isEmpty();
    }

    /**
     * Stores made by subclasses list and delete at most this many keys per call, where they page at all, so a few
     * hundred objects span several pages (S3 allows 1,000).
     */
    static final int KEYS_PER_CALL = 100;

    @Test
    void listAndDeleteSpanMoreThanOnePageOfKeys() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 2 * KEYS_PER_CALL + KEYS_PER_CALL / 2; i++) {
            keys.add("many/%05d.bin".formatted(i));
        }
        try (ExecutorService uploads = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (String key : keys) {
                done.add(uploads.submit(() -> store().put(key, key.getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
        store().put("other/kept.bin", new byte[1]);

        assertThat(store().list("many/")).extracting(StoredObject::key).containsExactlyElementsOf(keys);

        List<String> deleted = new ArrayList<>(keys);
        deleted.add("many/never-written.bin");
        store().delete(deleted);

        assertThat(store().list("many/")).isEmpty();
        assertThat(store().list("other/")).extracting(StoredObject::key).containsExactly("other/kept.bin");
    }

    @Test
    void keysOfEveryAllowedCharacterClassRoundTrip() {
        List<String> keys = List.of(
                "chars/lower-abcxyz",
                "chars/UPPER-ABCXYZ",
                "chars/digits-0123456789",
                "chars/punctuation-_.!*'()=+,;@&$:~",
                "chars/with space",
                "chars/unicode-\u00e9t\u00e9-\u65e5\u672c-\u0416",
                "chars/dots.in.the.name..twice",
                "chars/deep/er/and/deeper/still/leaf");
        for (String key : keys) {
            store().put(key, key.getBytes(StandardCharsets.UTF_8));
        }

        for (String key : keys) {
            assertThat(store().read(key)).as(key).hasValue(key.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(store().list("chars/")).extracting(StoredObject::key)
                .containsExactlyElementsOf(keys.stream().sorted().toList());
    }

    @Test
    void keysThatCouldEscapeOrAreMalformedAreRefusedAndNothingIsWritten() {
        for (String key : List.of("", "/absolute", "../up", "a/../../up", "a/./b", "a//b", "trailing/", "back\\slash",
                "a/b.partial-x", "control\u0001")) {
            assertThatThrownBy(() -> store().put(key, new byte[1])).as("[%s]", key)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Not an object key");
            assertThatThrownBy(() -> store().read(key)).as("[%s]", key)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store().list("")).isEmpty();
    }

    @Test
    void fileAboveTheThresholdUploadsInPartsAndDownloadsWhole() throws IOException {
        int size = (int) (2 * MULTIPART_THRESHOLD + 123_457);
        Path file = randomFile("large.bin", size, 3);

        store().put("large/_1.vec", file);
        Path target = work.resolve("download/_1.vec");
        store().download("large/_1.vec", target);

        assertThat(Files.size(target)).isEqualTo(size);
        assertThat(target).hasSameBinaryContentAs(file);
        assertThat(store().list("large/")).containsExactly(new StoredObject("large/_1.vec", size));
        assertUploadedInParts("large/_1.vec", 3);
    }

    @Test
    void uploadOfAMissingFileFailsWithoutRetry() {
        assertThatThrownBy(() -> store().put("a/missing", work.resolve("no-such-file")))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).isFalse());
        assertThat(store().list("a/")).isEmpty();
    }

    Path randomFile(String name, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Path file = work.resolve("source").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    static List<String> filesIn(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
