package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory limit of the benchmark's {@code --memory-budget} phase against the kernel's real cgroup v1 memory
 * controller. Skipped, with the reason, where the benchmark could not use it either (not root, no v1 hierarchy).
 * Each child starts inside its group, as the benchmark starts a confined server.
 */
class MemoryCgroupIT {

    private static final long LIMIT = 96L << 20;

    @TempDir
    Path work;

    @BeforeEach
    void requireTheController() {
        Assumptions.assumeTrue(Files.isWritable(Path.of(MemoryCgroup.ROOT, "cgroup.procs")),
                "no writable cgroup v1 memory controller at " + MemoryCgroup.ROOT);
    }

    @Test
    void aProcessWhoseHeapOutgrowsTheLimitIsKilledAndCounted() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        try (MemoryCgroup group = MemoryCgroup.create("quiver-bench-test-heap-" + ProcessHandle.current().pid(),
                LIMIT)) {
            // Touches 512 MiB of heap at start-up: anonymous memory, which no reclaim can take back.
            Process child = start(group, java, "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-version");

            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isNotZero();
            assertThat(group.oomKills()).isPositive();
            assertThat(group.peakBytes()).isLessThanOrEqualTo(LIMIT);
        }
    }

    @Test
    void pageCacheBeyondTheLimitIsReclaimedInsteadOfKillingTheReader() throws Exception {
        Path file = work.resolve("data");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < 3 * (LIMIT >> 20); i++) {
                out.write(ByteBuffer.allocate(1 << 20));
            }
            // Only clean pages can be dropped, so the file must be on disk before the reader starts.
            out.force(true);
        }
        MemoryCgroup.dropPageCache();
        try (MemoryCgroup group = MemoryCgroup.create("quiver-bench-test-cache-" + ProcessHandle.current().pid(),
                LIMIT)) {
            Process child = start(group, "cat", file.toString());

            // Three times the limit read through the page cache: charged to the group up to the limit, reclaimed,
            // never fatal.
            long read = child.getInputStream().transferTo(OutputStream.nullOutputStream());
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();
            assertThat(read).isEqualTo(Files.size(file));
            assertThat(group.oomKills()).isZero();
            assertThat(group.peakBytes()).isLessThanOrEqualTo(LIMIT).isGreaterThan(LIMIT / 2);
        }
    }

    @Test
    void closingMovesLiveProcessesOutAndRemovesTheGroupOnlyOnce() throws Exception {
        String name = "quiver-bench-test-close-" + ProcessHandle.current().pid();
        Path directory = Path.of(MemoryCgroup.ROOT, name);
        MemoryCgroup group = MemoryCgroup.create(name, LIMIT);
        Process child = start(group, "sleep", "60");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.readAllLines(directory.resolve("cgroup.procs")).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(Files.readAllLines(directory.resolve("cgroup.procs"))).isNotEmpty();

            group.close();
            // The benchmark's exit hook and its finally block may both close it.
            group.close();

            assertThat(directory).doesNotExist();
            assertThat(child.isAlive()).isTrue();
        } finally {
            child.destroyForcibly();
        }
    }

    private static Process start(MemoryCgroup group, String... command) throws IOException {
        return new ProcessBuilder(MemoryCgroup.inside(group, List.of(command)))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
