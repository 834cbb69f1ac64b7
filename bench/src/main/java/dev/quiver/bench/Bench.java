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
 * Command-line entry point: {@code java -jar quiver-bench.jar SCENARIO [flags]}. Prints a table and writes the same
 * numbers as JSON, and the recall-vs-throughput curves as a PNG, to
 * {@code <results-dir>/<scenario>[-<label>]-<UTC timestamp>.{json,png}}. Exits 2 on a bad command line and 1 when
 * the benchmark fails.
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
            Report report = new BenchmarkRun(options).run();
            report.printTable(System.out);
            Path json = write(options, report);
            System.out.println();
            System.out.println("result  " + json);
            System.out.println("chart   " + ResultChart.write(report, json.resolveSibling(
                    json.getFileName().toString().replaceFirst("\\.json$", ".png"))));
        } catch (RuntimeException e) {
            System.err.println("benchmark failed: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    static Path write(Options options, Report report) {
        String name = options.resultName() + "-"
                + FILE_TIMESTAMP.format(Instant.parse(report.startedAt()).truncatedTo(ChronoUnit.SECONDS)) + ".json";
        Path file = options.resultsDir().resolve(name);
        try {
            Files.createDirectories(options.resultsDir());
            Files.write(file, ChromaClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
