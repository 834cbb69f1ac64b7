package dev.quiver.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Command-line entry point: {@code java -jar quiver-bench.jar quickstart [flags]}. Prints a table and writes the
 * same numbers as JSON to {@code <results-dir>/<scenario>[-<label>]-<UTC timestamp>.json}. Exits 2 on a bad command
 * line and 1 when the benchmark fails.
 */
public final class Bench {

    private static final DateTimeFormatter FILE_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private Bench() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        try {
            switch (options.scenario()) {
                case "quickstart" -> {
                    QuickstartResult result = new Quickstart(options).run();
                    result.printTable(System.out);
                    Path file = write(options, result, Instant.parse(result.startedAt()));
                    System.out.println("result      " + file);
                }
                default -> {
                    System.err.println("error: unknown scenario " + options.scenario());
                    System.err.print(Options.USAGE);
                    System.exit(2);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("benchmark failed: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    private static Path write(Options options, Object result, Instant startedAt) {
        // Only safe characters from the free-text label reach the file name.
        String label = options.label().replaceAll("[^A-Za-z0-9._-]", "_");
        String name = options.scenario() + (label.isEmpty() ? "" : "-" + label) + "-"
                + FILE_TIMESTAMP.format(startedAt.truncatedTo(ChronoUnit.SECONDS)) + ".json";
        Path file = options.resultsDir().resolve(name);
        try {
            Files.createDirectories(options.resultsDir());
            Files.write(file, ChromaClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(result));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
