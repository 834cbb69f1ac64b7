package dev.quiver.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.jspecify.annotations.Nullable;

/**
 * Samples what the server costs in memory and on disk, from outside the server, so Quiver and Chroma are measured
 * the same way. Both inputs are optional; a missing one yields nulls. Thread-safe: stateless.
 *
 * @param pid the server's process id, read through {@code /proc/<pid>/status} (Linux only)
 * @param dataDir the server's data directory
 */
record ServerProbe(@Nullable Long pid, @Nullable Path dataDir) {

    Sample sample() {
        return new Sample(
                statusBytes("VmRSS:"),
                statusBytes("VmHWM:"),
                dataDir == null ? null : directoryBytes(dataDir));
    }

    /**
     * One reading. Nulls mean "not measured".
     *
     * @param rssBytes resident set size now
     * @param peakRssBytes highest resident set size since the process started ({@code VmHWM})
     * @param dataDirBytes sum of the sizes of the regular files under the data directory
     */
    record Sample(@Nullable Long rssBytes, @Nullable Long peakRssBytes, @Nullable Long dataDirBytes) {
    }

    private @Nullable Long statusBytes(String field) {
        if (pid == null) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid.toString(), "status"))) {
                if (line.startsWith(field)) {
                    // The kernel reports "VmRSS:    123456 kB", where kB means KiB.
                    String kibibytes = line.substring(field.length()).replace("kB", "").strip();
                    return Long.parseLong(kibibytes) * 1024;
                }
            }
            return null;
        } catch (IOException e) {
            // The process is gone or not ours to read: report nothing rather than abort a finished benchmark.
            System.err.println("warning: cannot read memory of pid " + pid + ": " + e);
            return null;
        }
    }

    /**
     * Proportional set size of {@code pid} and all its descendants, from {@code /proc/<pid>/smaps_rollup}: pages
     * shared between processes (PostgreSQL's shared buffers) are split between them, so the sum counts them once.
     * Null when the process is gone or {@code /proc} is unreadable.
     */
    static @Nullable Long treePssBytes(long pid) {
        var process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return null;
        }
        long total = 0;
        boolean any = false;
        for (long member : java.util.stream.Stream.concat(java.util.stream.Stream.of(process.get()),
                process.get().descendants()).mapToLong(ProcessHandle::pid).toArray()) {
            Long pss = pssBytes(member);
            if (pss != null) {
                total += pss;
                any = true;
            }
        }
        return any ? total : null;
    }

    /** CPU time (user and system) used by {@code pid} and its live descendants; null when the process is gone. */
    static @Nullable Double treeCpuSeconds(long pid) {
        return ProcessHandle.of(pid).map(ServerProbe::treeCpuSeconds).orElse(null);
    }

    static double treeCpuSeconds(ProcessHandle process) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(process), process.descendants())
                .mapToDouble(member -> member.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0))
                .sum();
    }

    private static @Nullable Long pssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.substring("Pss:".length()).replace("kB", "").strip()) * 1024;
                }
            }
            return null;
        } catch (IOException | NumberFormatException e) {
            // A child that exited between listing and reading: it holds no memory any more.
            return null;
        }
    }

    static @Nullable Long directoryBytes(@Nullable Path root) {
        if (root == null) {
            return null;
        }
        var total = new long[1];
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()) {
                        total[0] += attributes.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // A live server deletes files (merges, compaction) while we walk; skip them.
                    return FileVisitResult.CONTINUE;
                }
            });
            return total[0];
        } catch (IOException e) {
            System.err.println("warning: cannot measure data dir " + root + ": " + e);
            return null;
        }
    }
}
