package dev.quiver.bench;

import dev.quiver.bench.Report.SystemResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;

/**
 * The recall-vs-throughput curves of a {@link Report}: one panel per filter and client count, one line per system
 * through its {@code ef_search} sweep. A skipped or failed system still gets its legend entry with no points, so a
 * reader sees it was not dropped.
 */
final class ResultChart {

    private ResultChart() {
    }

    static Path write(Report report, Path png) {
        var p = report.parameters();
        var panels = new ArrayList<Chart.Panel>();
        for (String filter : p.filters()) {
            for (int clients : p.queryClients()) {
                var series = new ArrayList<Chart.Series>();
                for (SystemResult system : report.systems()) {
                    var points = system.queries().stream()
                            .filter(point -> point.filter().equals(filter) && point.clients() == clients)
                            .sorted(Comparator.comparingInt(Report.Point::efSearch))
                            .map(point -> Chart.Point.ef(point.efSearch(), point.recallAtK(),
                                    point.queriesPerSecond()))
                            .toList();
                    series.add(new Chart.Series(system.ok() ? system.system()
                            : system.system() + " (" + system.status() + ")", points));
                }
                panels.add(new Chart.Panel("filter %s, %d client%s".formatted(filter, clients,
                        clients == 1 ? "" : "s"), series));
            }
        }
        var m = report.machine();
        Chart.write(png, "%s: recall@%d vs queries/s".formatted(report.scenario(), p.k()),
                "%,d x %d %s, %s, M %d, ef_construction %d, %s vectors | %d cores, %s, Java %s | %s".formatted(
                        p.vectors(), p.dim(), p.dataset(), p.space(), p.maxNeighbors(), p.efConstruction(),
                        p.quantization().equals("none") ? "float32" : p.quantization(), m.cores(), m.cpu(),
                        Runtime.version().feature(), report.startedAt()),
                panels);
        return png;
    }
}
