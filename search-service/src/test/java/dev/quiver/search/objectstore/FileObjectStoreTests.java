package dev.quiver.search.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileObjectStoreTests {

    @TempDir
    Path work;

    @Test
    void keysThatWouldLeaveTheRootAreRefusedAndNothingIsWrittenOutsideIt() throws Exception {
        Path root = work.resolve("objects");
        FileObjectStore store = new FileObjectStore(root);
        Path outside = work.resolve("outside");
        Path source = Files.writeString(work.resolve("source"), "bytes");

        for (String key : List.of("../outside", "a/../../outside", "/" + outside, "./outside", "a//outside",
                "outside/", "", "..\\outside")) {
            assertThatThrownBy(() -> store.put(key, source)).as("[%s]", key)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Not an object key");
            assertThatThrownBy(() -> store.put(key, new byte[] {1})).as("[%s]", key)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.download(key, work.resolve("target"))).as("[%s]", key)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.delete(List.of(key))).as("[%s]", key)
                    .isInstanceOf(IllegalArgumentException.class);
        }

        assertThat(outside).doesNotExist();
        assertThat(work.resolve("target")).doesNotExist();
        assertThat(ObjectStoreContract.filesIn(work)).containsExactly("source");
    }

    @Test
    void anObjectMayNotBeNamedLikeAFileBeingWritten() {
        FileObjectStore store = new FileObjectStore(work);

        assertThatThrownBy(() -> store.put("shards/0/_0.cfs.partial-1234", new byte[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".partial-");
    }
}
