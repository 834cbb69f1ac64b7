package dev.quiver.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A memory cgroup (Linux cgroup v1 memory controller) that confines a system's processes to a byte limit counting
 * both their anonymous memory and the page cache they fault in, so the kernel, not the benchmark, decides which
 * pages of the index stay resident: a system whose searches need fewer pages keeps its throughput under a limit
 * that makes another thrash. Swap is limited too where the kernel accounts it, so a limit cannot be met by
 * swapping the heap out.
 *
 * <p>A process joins the group when it starts ({@link #inside}): the kernel no longer moves the charges of a
 * running process's pages between groups. Needs root and the v1 controller mounted at {@value #ROOT};
 * {@link #create} says why not otherwise. Not thread-safe.
 */
final class MemoryCgroup implements AutoCloseable {

    static final String ROOT = "/sys/fs/cgroup/memory";

    private final Path directory;

    private MemoryCgroup(Path directory) {
        this.directory = directory;
    }

    /**
     * {@code command} run inside {@code group} from its first instruction, so everything it and its children
     * allocate or read is charged there; {@code command} itself when {@code group} is null.
     */
    static List<String> inside(@Nullable MemoryCgroup group, List<String> command) {
        if (group == null) {
            return command;
        }
        var wrapped = new ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                group.directory.resolve("cgroup.procs").toString()));
        wrapped.addAll(command);
        return wrapped;
    }

    /** A new empty cgroup named {@code name} under the root, capped at {@code limitBytes}. */
    static MemoryCgroup create(String name, long limitBytes) throws Engine.Unavailable {
        Path root = Path.of(ROOT);
        if (!Files.isWritable(root.resolve("cgroup.procs"))) {
            throw new Engine.Unavailable("no writable cgroup v1 memory controller at " + ROOT
                    + " (it needs root and a cgroup v1 memory hierarchy)");
        }
        Path directory = root.resolve(name);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new Engine.Unavailable("cannot create memory cgroup " + directory + ": " + e.getMessage(), e);
        }
        var group = new MemoryCgroup(directory);
        try {
            group.limit(limitBytes);
        } catch (IllegalStateException e) {
            group.close();
            throw new Engine.Unavailable(e.getMessage(), e);
        }
        return group;
    }

    private void limit(long bytes) {
        write("memory.limit_in_bytes", Long.toString(bytes));
        if (Files.exists(directory.resolve("memory.memsw.limit_in_bytes"))) {
            write("memory.memsw.limit_in_bytes", Long.toString(bytes));
        }
    }

    /** The most bytes ever charged to the group. */
    long peakBytes() {
        return read("memory.max_usage_in_bytes");
    }

    /** How many processes the kernel killed because the group could not get under its limit; 0 if unknown. */
    long oomKills() {
        try {
            return Files.readAllLines(directory.resolve("memory.oom_control")).stream()
                    .filter(line -> line.startsWith("oom_kill "))
                    .mapToLong(line -> Long.parseLong(line.substring("oom_kill ".length()).strip()))
                    .findFirst().orElse(0);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Writes dirty pages out and drops the machine's page cache. A page stays charged to the group that first read
     * it, so a system started in a group after it ran outside must find none of its files cached: then every page
     * it reads is charged to it. Pages still mapped by a running process stay.
     */
    static void dropPageCache() {
        try {
            int synced = new ProcessBuilder("sync").inheritIO().start().waitFor();
            if (synced != 0) {
                throw new IllegalStateException("sync failed with status " + synced);
            }
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "1");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot drop the page cache", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while syncing", e);
        }
    }

    /** Moves the group's processes back to the root group and removes the group; once removed, does nothing. */
    @Override
    public void close() {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try {
            for (String pid : Files.readAllLines(directory.resolve("cgroup.procs"))) {
                try {
                    Files.writeString(directory.getParent().resolve("cgroup.procs"), pid.strip());
                } catch (IOException e) {
                    // The process exited meanwhile.
                }
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove memory cgroup " + directory, e);
        }
    }

    private void write(String file, String value) {
        try {
            Files.writeString(directory.resolve(file), value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + value + " to " + directory.resolve(file) + ": "
                    + e.getMessage(), e);
        }
    }

    private long read(String file) {
        try {
            return Long.parseLong(Files.readString(directory.resolve(file)).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + directory.resolve(file), e);
        }
    }
}
