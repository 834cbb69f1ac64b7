package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.bench.Chart.Axis;
import dev.quiver.bench.Chart.Panel;
import dev.quiver.bench.Chart.Point;
import dev.quiver.bench.Chart.Series;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTests {

    /** The first two styles' colours (Okabe–Ito blue and vermillion). */
    private static final int FIRST_COLOR = 0x0072B2;
    private static final int SECOND_COLOR = 0xD55E00;

    @Test
    void writesAPngThatImageIoReadsBackAtTheChartSize(@TempDir Path directory) throws IOException {
        var panels = new ArrayList<Panel>();
        for (String filter : List.of("no filter", "10 % filter", "1 % filter")) {
            for (int clients : new int[] {1, 8}) {
                panels.add(new Panel(filter + ", " + clients + " clients", List.of(
                        curve("quiver", 0.80, 2400 * clients), curve("chroma", 0.70, 900 * clients),
                        curve("pgvector", 0.85, 300 * clients), curve("lucene", 0.90, 6000 * clients))));
            }
        }
        Path png = directory.resolve("sub/dir/chart.png");

        Chart.write(png, "Recall vs throughput", "europarl-minilm, 88,000 x 384, cosine; 2 cores", panels);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(Chart.WIDTH);
        // Three columns of two rows: header 128, two panels of 420 with a 24 px gap, bottom margin 28.
        assertThat(image.getHeight()).isEqualTo(128 + 2 * 420 + 24 + 28);
        try (var listing = Files.list(png.getParent())) {
            assertThat(listing.toList()).as("no partial file left").containsExactly(png);
        }
    }

    @Test
    void drawsASeriesOfOnePoint() {
        var panel = new Panel("one setting", List.of(new Series("quiver", List.of(Point.ef(100, 0.97, 812)))));

        BufferedImage image = Chart.render("t", "s", List.of(panel));

        assertThat(countPixels(image, FIRST_COLOR)).as("marker and legend drawn").isGreaterThan(50);
    }

    @Test
    void skipsASystemWithoutPointsAndKeepsColoursForTheOthers() {
        var panel = new Panel("1 % filter", List.of(new Series("chroma", List.of()),
                curve("quiver", 0.6, 500)));

        BufferedImage image = Chart.render("t", "s", List.of(panel, new Panel("empty", List.of())));

        assertThat(countPixels(image, FIRST_COLOR)).as("quiver takes the first style").isGreaterThan(50);
        assertThat(countPixels(image, SECOND_COLOR)).as("nothing drawn for chroma").isZero();
    }

    @Test
    void usesALogarithmicThroughputAxisOnlyWhenValuesSpanMoreThanTenfold() {
        assertThat(Chart.logScale(100, 900)).isFalse();
        assertThat(Chart.logScale(100, 1000)).isFalse();
        assertThat(Chart.logScale(100, 1001)).isTrue();
        assertThat(Chart.logScale(0, 5)).isFalse();

        Axis log = Axis.forRates(42, 5300);
        assertThat(log.log()).isTrue();
        assertThat(log.min()).isEqualTo(10);
        assertThat(log.max()).isEqualTo(10_000);
        assertThat(log.ticks()).as("1-2-5 steps over three decades")
                .containsExactly(10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10_000.0);
        assertThat(Axis.forRates(3, 50_000).ticks()).as("decades only over five")
                .containsExactly(1.0, 10.0, 100.0, 1000.0, 10_000.0, 100_000.0);

        Axis linear = Axis.forRates(300, 900);
        assertThat(linear.log()).isFalse();
        assertThat(linear.min()).isZero();
        assertThat(linear.max()).isEqualTo(1000);
        assertThat(linear.ticks()).containsExactly(0.0, 200.0, 400.0, 600.0, 800.0, 1000.0);
    }

    @Test
    void rejectsARecallOutsideZeroToOne() {
        assertThatThrownBy(() -> new Point(1.2, 10, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.2");
    }

    /** Five ef_search settings: recall rises from {@code recall} towards 1 while throughput falls from {@code rate}. */
    private static Series curve(String system, double recall, double rate) {
        var points = new ArrayList<Point>();
        int ef = 10;
        for (int i = 0; i < 5; i++, ef *= 2) {
            points.add(Point.ef(ef, 1 - (1 - recall) / Math.pow(2.2, i), rate / Math.pow(1.7, i)));
        }
        return new Series(system, points);
    }

    private static int countPixels(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }
}
