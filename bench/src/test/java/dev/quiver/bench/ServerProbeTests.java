package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerProbeTests {

    private static final int PAGE = 4096;

    @TempDir
    Path directory;

    @Test
    void mappedMemoryCountsOnlyTheTouchedPagesOfFilesUnderTheDirectory() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/smaps")), "needs Linux's /proc/<pid>/smaps");
        long pid = ProcessHandle.current().pid();
        Path inside = directory.resolve("index").resolve("_0.vec");
        Files.createDirectories(inside.getParent());
        Files.write(inside, new byte[256 * PAGE]);
        long before = ServerProbe.processTreeMappedPssBytes(pid, inside.getParent());

        try (FileChannel channel = FileChannel.open(inside, StandardOpenOption.READ)) {
            // Unmapped when collected; the test's temporary directory goes either way.
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, 256L * PAGE);
            long sum = 0;
            for (int page = 0; page < 64; page++) {
                sum += mapped.get(page * PAGE);
            }
            assertThat(sum).isZero();

            long touched = ServerProbe.processTreeMappedPssBytes(pid, inside.getParent()) - before;
            long elsewhere = ServerProbe.processTreeMappedPssBytes(pid, directory.resolve("other"));

            // The kernel may read ahead around a touched page, never map all 256 untouched.
            assertThat(touched).isBetween(64L * PAGE, 255L * PAGE);
            assertThat(elsewhere).isZero();
        }
    }
}
