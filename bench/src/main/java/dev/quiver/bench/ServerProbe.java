package dev.quiver.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Reads what a system costs in memory, CPU and disk from outside it, through /proc and the file system, so every
 * engine is measured the same way (a JVM, a node process, a PostgreSQL process tree). Thread-safe: stateless.
 */
final class ServerProbe {

    /** The start of a mapping's header line in smaps, {@code "7f41c03ce000-7f41c03e6000 "}. */
    private static final java.util.regex.Pattern MAPPING = java.util.regex.Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    private ServerProbe() {
    }

    /** Parses a /proc line such as {@code "VmRSS:    123456 kB"}, where the kernel's kB means KiB. */
    private static long kibibytes(String line, String field) {
        return Long.parseLong(line.substring(field.length()).replace("kB", "").strip()) * 1024;
    }

    /**
     * The proportional set size (PSS) of process {@code pid} and all its descendants, in bytes: each process's
     * resident pages, with a page shared by n processes counted 1/n in each, so the sum counts shared memory (the
     * shared buffers of a multi-process server such as PostgreSQL) once. Reads {@code /proc/<pid>/smaps_rollup}
     * (Linux 4.14 or later). A descendant that exits during the walk is left out.
     *
     * @return the sum, or null when the process itself cannot be read (gone, not ours, not Linux)
     */
    static @Nullable Long processTreePssBytes(long pid) {
        return sumOverTree(pid, ServerProbe::pssBytes);
    }

    /**
     * The part of the PSS of process {@code pid} and its descendants that maps files under {@code directory}: for a
     * server that memory-maps its index (Lucene), the index pages it holds resident, which the kernel can drop
     * under memory pressure and read again, unlike its heap. Reads {@code /proc/<pid>/smaps}.
     *
     * @return the sum, or null when the process itself cannot be read
     */
    static @Nullable Long processTreeMappedPssBytes(long pid, Path directory) {
        String prefix = directory.toAbsolutePath().normalize() + "/";
        return sumOverTree(pid, process -> mappedPssBytes(process, prefix));
    }

    /**
     * {@code perProcess} of {@code pid} plus that of each of its descendants that can still be read.
     *
     * @return the sum, or null when {@code pid} itself cannot be read
     */
    private static @Nullable Long sumOverTree(long pid, java.util.function.LongFunction<@Nullable Long> perProcess) {
        Long total = perProcess.apply(pid);
        if (total == null) {
            return null;
        }
        long sum = total;
        // descendants() is a snapshot of the process table; children forked after it are not counted.
        for (ProcessHandle child : ProcessHandle.of(pid).map(ProcessHandle::descendants)
                .orElseGet(Stream::empty).toList()) {
            Long bytes = perProcess.apply(child.pid());
            if (bytes != null) {
                sum += bytes;
            }
        }
        return sum;
    }

    /**
     * Asks JVM {@code pid} for a full collection ({@code jcmd PID GC.run}, the JDK's own tool beside the {@code java}
     * running this benchmark) before its memory is sampled. Between collections a JVM's resident set also holds
     * garbage, as much as its heap lets it, so two samples taken at different moments differ by hundreds of MiB
     * that no record caused; after a full collection G1 also gives unused heap back to the system. Not fatal:
     * without jcmd, or when it does not finish within a minute, the sample is taken as it is.
     */
    static void collectGarbage(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        if (Files.isExecutable(jcmd)) {
            new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static @Nullable Long mappedPssBytes(long pid, String prefix) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "smaps"))) {
            long sum = 0;
            boolean under = false;
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("Pss:")) {
                    sum += under ? kibibytes(line, "Pss:") : 0;
                } else if (MAPPING.matcher(line).lookingAt()) {
                    // A mapping's header: "start-end perms offset dev inode [path]"; its fields follow it.
                    int path = line.indexOf('/');
                    under = path > 0 && line.startsWith(prefix, path);
                }
            }
            return sum;
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    /** CPU time (user and system) used by {@code pid} and its live descendants; null when the process is gone. */
    static @Nullable Double treeCpuSeconds(long pid) {
        return ProcessHandle.of(pid).map(ServerProbe::treeCpuSeconds).orElse(null);
    }

    /** CPU time (user and system) of this JVM alone, not of the servers it started. */
    static double ownCpuSeconds() {
        return cpuSeconds(ProcessHandle.current());
    }

    private static double cpuSeconds(ProcessHandle process) {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    static double treeCpuSeconds(ProcessHandle process) {
        return Stream.concat(Stream.of(process), process.descendants())
                .mapToDouble(ServerProbe::cpuSeconds)
                .sum();
    }

    /**
     * Waits until process {@code pid} uses less than a fifth of a core over 5 seconds (flushes, merges and checkpoint
     * uploads of a load done), so they do not run during a measurement.
     *
     * @return false when it was still busy at {@code timeout}, or cannot be read (gone, not Linux)
     */
    static boolean awaitIdle(long pid, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Double previous = treeCpuSeconds(pid);
        while (previous != null && System.nanoTime() < deadline) {
            ServerLauncher.Processes.sleep(java.time.Duration.ofSeconds(5));
            Double now = treeCpuSeconds(pid);
            if (now != null && now - previous < 1.0) {
                return true;
            }
            previous = now;
        }
        return false;
    }

    /** The proportional set size of one process in bytes, or null when it cannot be read. */
    static @Nullable Long pssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return kibibytes(line, "Pss:");
                }
            }
            return null;
        } catch (IOException e) {
            // Gone (a backend that just exited) or not ours to read: the caller decides whether that matters.
            return null;
        }
    }

    /**
     * Sum of the sizes of the regular files under {@code root}, skipping files deleted during the walk.
     *
     * @return the sum, or null when the directory cannot be walked
     */
    static @Nullable Long directoryBytes(Path root) {
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
