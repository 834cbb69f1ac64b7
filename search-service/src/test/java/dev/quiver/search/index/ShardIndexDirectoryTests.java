package dev.quiver.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.store.MMapDirectory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a shard's Lucene directory maps its files, read back from the kernel ({@code /proc/self/smaps}): the vector
 * files of searches with random-read advice, so a fault reads one page rather than the default read-around.
 */
class ShardIndexDirectoryTests {

    /** The flag smaps shows for a mapping advised MADV_RANDOM. */
    private static final String RANDOM_READ = " rr";

    @TempDir
    Path directory;

    @Test
    void vectorFilesAreMappedForRandomReadsExceptWhenMerging() throws IOException {
        Assumptions.assumeTrue(MMapDirectory.supportsMadvise() && Files.isReadable(Path.of("/proc/self/smaps")),
                "madvise is not available to Lucene here");
        List<String> searched = List.of("_0.vec", "_0.veq", "_0.vex", "_0.dvd", "_0.tim");
        try (Directory lucene = ShardIndex.openDirectory(directory)) {
            for (String name : List.of("_0.vec", "_0.veq", "_0.vex", "_0.dvd", "_0.tim", "_1.vec")) {
                try (IndexOutput out = lucene.createOutput(name, IOContext.DEFAULT)) {
                    out.writeBytes(new byte[1 << 16], 1 << 16);
                }
            }
            var inputs = new java.util.ArrayList<IndexInput>();
            try {
                for (String name : searched) {
                    inputs.add(lucene.openInput(name, IOContext.DEFAULT));
                }
                inputs.add(lucene.openInput("_1.vec", IOContext.merge()));

                Map<String, String> flags = mappingFlags(directory);
                assertThat(flags.get("_0.vec")).contains(RANDOM_READ);
                assertThat(flags.get("_0.veq")).contains(RANDOM_READ);
                assertThat(flags.get("_0.vex")).contains(RANDOM_READ);
                assertThat(flags.get("_0.dvd")).doesNotContain(RANDOM_READ);
                assertThat(flags.get("_0.tim")).doesNotContain(RANDOM_READ);
                assertThat(flags.get("_1.vec")).doesNotContain(RANDOM_READ);
            } finally {
                for (IndexInput input : inputs) {
                    input.close();
                }
            }
        }
    }

    /** The VmFlags of this process's mappings of files in {@code folder}, by file name. */
    private static Map<String, String> mappingFlags(Path folder) throws IOException {
        String prefix = folder.toRealPath() + "/";
        Map<String, String> flags = new HashMap<>();
        String mapped = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                int at = line.indexOf(prefix);
                mapped = at < 0 ? null : line.substring(at + prefix.length());
            } else if (mapped != null && line.startsWith("VmFlags:")) {
                flags.put(mapped, line.substring("VmFlags:".length()));
            }
        }
        return flags;
    }
}
