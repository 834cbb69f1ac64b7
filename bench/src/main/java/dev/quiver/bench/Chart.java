package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Recall-versus-throughput curves as a PNG, drawn with Java2D: one panel per setting (a filter, a client count),
 * one curve per system, one point per {@code ef_search}. Up and to the right is better; the dashed line marks the
 * recall target.
 *
 * <p>A system keeps its colour and marker in every panel, in order of first appearance, so panels compare at a
 * glance. The recall axis zooms to the data but always shows the target; the throughput axis is logarithmic when
 * the values span more than {@value #LOG_SCALE_SPAN}×, since systems often differ by orders of magnitude.
 *
 * <p>Runs headless: no display is needed. Stateless; thread-safe.
 */
final class Chart {

    /** The recall the benchmark aims at, drawn as a dashed vertical line. */
    static final double RECALL_TARGET = Report.RECALL_TARGET;

    static final int WIDTH = 1600;

    /** Throughput ranges wider than this ratio get a logarithmic axis. */
    static final double LOG_SCALE_SPAN = 10;

    /** Okabe–Ito colours, told apart also by colour-blind readers; yellow is left out, too faint on white. */
    private static final Color[] COLORS = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000)};

    private static final Color GRID = new Color(0xE4E4E4);
    private static final Color AXIS = new Color(0x555555);
    private static final Color TEXT = new Color(0x222222);
    private static final Color MUTED = new Color(0x777777);
    private static final Color TARGET = new Color(0xB00020);

    private static final String FONT = Font.SANS_SERIF;
    private static final int HEADER_HEIGHT = 128;
    private static final int COLUMN_GAP = 24;
    private static final int MARGIN = 28;

    /** Half the side of the square a marker occupies, which labels keep clear of. */
    private static final float MARKER_BOX = 7.5f;

    /** Candidate lower bounds of the recall axis, from the widest; the largest that fits the data is taken. */
    private static final double[] RECALL_FLOORS = {0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9};

    private Chart() {
    }

    /**
     * One measured setting of a system.
     *
     * @param recall recall@k in [0, 1]
     * @param queriesPerSecond throughput, not negative
     * @param label written next to the point, e.g. {@code "ef 64"}; empty for none
     */
    record Point(double recall, double queriesPerSecond, String label) {
        Point {
            requireNonNull(label, "label is null");
            if (!(recall >= 0 && recall <= 1) || !(queriesPerSecond >= 0) || Double.isInfinite(queriesPerSecond)) {
                throw new IllegalArgumentException("recall must be in [0, 1] and queries/s finite and not negative: "
                        + recall + ", " + queriesPerSecond);
            }
        }

        /** A point labelled with the HNSW search width that produced it. */
        static Point ef(int efSearch, double recall, double queriesPerSecond) {
            return new Point(recall, queriesPerSecond, "ef " + efSearch);
        }
    }

    /**
     * One system's curve in one panel, points joined in the given order (usually ascending {@code ef_search}).
     *
     * @param system the name in the legend; the same name gets the same colour in every panel
     * @param points possibly empty: the system did not run this setting, and the panel says so
     */
    record Series(String system, List<Point> points) {
        Series {
            requireNonNull(system, "system is null");
            points = List.copyOf(points);
        }
    }

    /**
     * One plot: a setting every system ran, e.g. "no filter, 8 clients".
     *
     * @param title above the plot
     * @param series one per system
     */
    record Panel(String title, List<Series> series) {
        Panel {
            requireNonNull(title, "title is null");
            series = List.copyOf(series);
        }
    }

    /**
     * Draws the panels in a grid ({@value #WIDTH} px wide, up to three columns) under a title, a subtitle (data
     * set, machine) and a shared legend, and writes it to {@code png}, replacing it atomically.
     */
    static void write(Path png, String title, String subtitle, List<Panel> panels) {
        requireNonNull(png, "png is null");
        BufferedImage image = render(title, subtitle, panels);
        try {
            Path parent = png.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path partial = parent.resolve(png.getFileName() + ".partial");
            if (!ImageIO.write(image, "png", partial.toFile())) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
            Files.move(partial, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + png, e);
        }
    }

    /** Whether throughputs between {@code min} and {@code max} are drawn on a logarithmic axis. */
    static boolean logScale(double min, double max) {
        return min > 0 && max / min > LOG_SCALE_SPAN;
    }

    static BufferedImage render(String title, String subtitle, List<Panel> panels) {
        requireNonNull(title, "title is null");
        requireNonNull(subtitle, "subtitle is null");
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("a chart needs at least one panel");
        }
        // The benchmark runs on servers without a display. AWT decides once per JVM, when a Graphics2D is first
        // created, so this must come before createGraphics; an explicit setting by the caller is left alone.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        Map<String, Integer> styles = styles(panels);
        int columns = panels.size() <= 3 ? panels.size() : panels.size() == 4 ? 2 : 3;
        int rows = (panels.size() + columns - 1) / columns;
        int panelWidth = (WIDTH - 2 * MARGIN - (columns - 1) * COLUMN_GAP) / columns;
        int panelHeight = Math.clamp(Math.round(panelWidth * 0.78f), 420, 640);
        int height = HEADER_HEIGHT + rows * panelHeight + (rows - 1) * COLUMN_GAP + MARGIN;

        var image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);

            g.setColor(TEXT);
            g.setFont(new Font(FONT, Font.BOLD, 30));
            g.drawString(title, MARGIN, 46);
            g.setColor(MUTED);
            g.setFont(new Font(FONT, Font.PLAIN, 18));
            g.drawString(subtitle, MARGIN, 76);
            drawLegend(g, styles, MARGIN, 108);

            for (int i = 0; i < panels.size(); i++) {
                int x = MARGIN + (i % columns) * (panelWidth + COLUMN_GAP);
                int y = HEADER_HEIGHT + (i / columns) * (panelHeight + COLUMN_GAP);
                drawPanel(g, panels.get(i), styles, x, y, panelWidth, panelHeight);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Style index of each system that has a point anywhere, in order of first appearance. */
    private static Map<String, Integer> styles(List<Panel> panels) {
        var styles = new LinkedHashMap<String, Integer>();
        for (Panel panel : panels) {
            for (Series series : panel.series()) {
                if (!series.points().isEmpty()) {
                    styles.putIfAbsent(series.system(), styles.size());
                }
            }
        }
        return styles;
    }

    private static void drawLegend(Graphics2D g, Map<String, Integer> styles, int x, int baseline) {
        g.setFont(new Font(FONT, Font.PLAIN, 18));
        FontMetrics metrics = g.getFontMetrics();
        int cursor = x;
        for (Map.Entry<String, Integer> entry : styles.entrySet()) {
            int style = entry.getValue();
            float middle = baseline - metrics.getAscent() / 2f + 2;
            g.setColor(color(style));
            g.setStroke(new BasicStroke(2.5f));
            g.draw(new Line2D.Float(cursor, middle, cursor + 34, middle));
            drawMarker(g, style, cursor + 17, middle, 6);
            g.setColor(TEXT);
            g.drawString(entry.getKey(), cursor + 44, baseline);
            cursor += 44 + metrics.stringWidth(entry.getKey()) + 36;
        }
        g.setColor(TARGET);
        g.setStroke(dashed(2f));
        float middle = baseline - metrics.getAscent() / 2f + 2;
        g.draw(new Line2D.Float(cursor, middle, cursor + 34, middle));
        g.setColor(TEXT);
        g.drawString("recall target %.2f".formatted(RECALL_TARGET), cursor + 44, baseline);
    }

    private static void drawPanel(Graphics2D g, Panel panel, Map<String, Integer> styles, int x, int y, int width,
            int height) {
        // 1. Frame and title.
        g.setColor(TEXT);
        g.setFont(new Font(FONT, Font.BOLD, 19));
        g.drawString(panel.title(), x, y + 22);

        var plot = new Rectangle2D.Double(x + 84, y + 40, width - 84 - 12, height - 40 - 62);
        double minRecall = 1;
        double minRate = Double.POSITIVE_INFINITY;
        double maxRate = 0;
        var skipped = new ArrayList<String>();
        for (Series series : panel.series()) {
            if (series.points().isEmpty()) {
                skipped.add(series.system());
            }
            for (Point point : series.points()) {
                minRecall = Math.min(minRecall, point.recall());
                minRate = Math.min(minRate, point.queriesPerSecond());
                maxRate = Math.max(maxRate, point.queriesPerSecond());
            }
        }
        boolean empty = maxRate == 0 && minRate == Double.POSITIVE_INFINITY;

        // 2. Axes: recall zoomed to the data but never past the target; throughput linear from 0 or log decades.
        double recallFloor = 0;
        for (double floor : RECALL_FLOORS) {
            if (floor <= minRecall - 0.02) {
                recallFloor = floor;
            }
        }
        var xAxis = new Axis(recallFloor, 1, false);
        Axis yAxis = empty ? new Axis(0, 1, false) : Axis.forRates(minRate, maxRate);

        g.setFont(new Font(FONT, Font.PLAIN, 14));
        FontMetrics metrics = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double tick : xAxis.ticks()) {
            float px = (float) (plot.x + xAxis.position(tick) * plot.width);
            g.setColor(GRID);
            g.draw(new Line2D.Float(px, (float) plot.y, px, (float) plot.getMaxY()));
            g.setColor(AXIS);
            String label = "%.2f".formatted(tick);
            g.drawString(label, px - metrics.stringWidth(label) / 2f, (float) plot.getMaxY() + 20);
        }
        for (double tick : yAxis.ticks()) {
            float py = (float) (plot.getMaxY() - yAxis.position(tick) * plot.height);
            g.setColor(GRID);
            g.draw(new Line2D.Float((float) plot.x, py, (float) plot.getMaxX(), py));
            g.setColor(AXIS);
            String label = formatRate(tick);
            g.drawString(label, (float) plot.x - 8 - metrics.stringWidth(label), py + metrics.getAscent() / 2f - 2);
        }
        g.setColor(AXIS);
        g.draw(plot);

        g.setFont(new Font(FONT, Font.PLAIN, 15));
        metrics = g.getFontMetrics();
        String xLabel = "recall@10";
        g.drawString(xLabel, (float) (plot.getCenterX() - metrics.stringWidth(xLabel) / 2.0),
                (float) plot.getMaxY() + 44);
        String yLabel = yAxis.log() ? "queries/s (log scale)" : "queries/s";
        var rotation = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, (float) -(plot.getCenterY() + metrics.stringWidth(yLabel) / 2.0), x + 16);
        g.setTransform(rotation);

        // 3. The target line, under the curves.
        if (RECALL_TARGET >= xAxis.min()) {
            float px = (float) (plot.x + xAxis.position(RECALL_TARGET) * plot.width);
            g.setColor(TARGET);
            g.setStroke(dashed(1.8f));
            g.draw(new Line2D.Float(px, (float) plot.y, px, (float) plot.getMaxY()));
        }

        // 4. Curves, then markers and labels on top so no line hides a point.
        var clip = g.getClip();
        g.clip(new Rectangle2D.Double(plot.x - 8, plot.y - 8, plot.width + 16, plot.height + 16));
        for (Series series : panel.series()) {
            List<Point> points = series.points();
            if (points.size() < 2) {
                continue;
            }
            var line = new Path2D.Double();
            for (int i = 0; i < points.size(); i++) {
                double px = plot.x + xAxis.position(points.get(i).recall()) * plot.width;
                double py = plot.getMaxY() - yAxis.position(points.get(i).queriesPerSecond()) * plot.height;
                if (i == 0) {
                    line.moveTo(px, py);
                } else {
                    line.lineTo(px, py);
                }
            }
            g.setColor(color(styles.get(series.system())));
            g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(line);
        }
        // Markers first, then labels where they collide with no marker and no other label: where points crowd
        // (high recall, where curves bunch up) a label that does not fit is left out rather than overprinted.
        var occupied = new ArrayList<Rectangle2D>();
        for (Series series : panel.series()) {
            for (Point point : series.points()) {
                float px = (float) (plot.x + xAxis.position(point.recall()) * plot.width);
                float py = (float) (plot.getMaxY() - yAxis.position(point.queriesPerSecond()) * plot.height);
                drawMarker(g, styles.get(series.system()), px, py, 6);
                occupied.add(new Rectangle2D.Float(px - MARKER_BOX, py - MARKER_BOX, 2 * MARKER_BOX, 2 * MARKER_BOX));
            }
        }
        g.setFont(new Font(FONT, Font.PLAIN, 12));
        metrics = g.getFontMetrics();
        for (Series series : panel.series()) {
            for (Point point : series.points()) {
                if (!point.label().isEmpty()) {
                    float px = (float) (plot.x + xAxis.position(point.recall()) * plot.width);
                    float py = (float) (plot.getMaxY() - yAxis.position(point.queriesPerSecond()) * plot.height);
                    drawLabel(g, metrics, point.label(), px, py, plot, occupied,
                            darker(color(styles.get(series.system()))));
                }
            }
        }
        g.setClip(clip);

        // 5. What is missing, said in the panel rather than left for the reader to guess.
        g.setFont(new Font(FONT, Font.ITALIC, 14));
        metrics = g.getFontMetrics();
        if (empty) {
            String message = "no data";
            g.setColor(MUTED);
            g.drawString(message, (float) (plot.getCenterX() - metrics.stringWidth(message) / 2.0),
                    (float) plot.getCenterY());
        }
        if (!skipped.isEmpty()) {
            g.setColor(MUTED);
            g.drawString("not run: " + String.join(", ", skipped), (float) plot.x + 8, (float) plot.getMaxY() - 10);
        }
    }

    /** Draws {@code label} beside the point at the first free place: above right, below right, above left, below left. */
    private static void drawLabel(Graphics2D g, FontMetrics metrics, String label, float x, float y,
            Rectangle2D plot, List<Rectangle2D> occupied, Color color) {
        int width = metrics.stringWidth(label);
        // Clear of the point's own marker (MARKER_BOX either side) horizontally, so it never blocks its label.
        float right = x + MARKER_BOX + 3;
        float left = x - MARKER_BOX - 3 - width;
        float above = y - 5;
        float below = y + 5 + metrics.getAscent();
        float[][] baselines = {{right, above}, {right, below}, {left, above}, {left, below}};
        for (float[] baseline : baselines) {
            var box = new Rectangle2D.Float(baseline[0] - 1, baseline[1] - metrics.getAscent() - 1, width + 2,
                    metrics.getAscent() + metrics.getDescent() + 2);
            if (!plot.contains(box) || occupied.stream().anyMatch(box::intersects)) {
                continue;
            }
            occupied.add(box);
            // A white halo keeps the text legible where it crosses grid lines and curves.
            g.setColor(Color.WHITE);
            for (int dx = -1; dx <= 1; dx++) {
                for (int dy = -1; dy <= 1; dy++) {
                    g.drawString(label, baseline[0] + dx, baseline[1] + dy);
                }
            }
            g.setColor(color);
            g.drawString(label, baseline[0], baseline[1]);
            return;
        }
    }

    private static void drawMarker(Graphics2D g, int style, float x, float y, float radius) {
        Shape shape = switch (style % 6) {
            case 0 -> new Ellipse2D.Float(x - radius, y - radius, 2 * radius, 2 * radius);
            case 1 -> new Rectangle2D.Float(x - radius * 0.9f, y - radius * 0.9f, 1.8f * radius, 1.8f * radius);
            case 2 -> polygon(x, y, radius * 1.2f, 3, -Math.PI / 2);
            case 3 -> polygon(x, y, radius * 1.25f, 4, 0);
            case 4 -> polygon(x, y, radius * 1.2f, 3, Math.PI / 2);
            default -> polygon(x, y, radius * 1.3f, 5, -Math.PI / 2);
        };
        g.setColor(color(style));
        g.fill(shape);
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(1.2f));
        g.draw(shape);
    }

    private static Shape polygon(float x, float y, float radius, int corners, double startAngle) {
        var path = new Path2D.Float();
        for (int i = 0; i < corners; i++) {
            double angle = startAngle + 2 * Math.PI * i / corners;
            float px = (float) (x + radius * Math.cos(angle));
            float py = (float) (y + radius * Math.sin(angle));
            if (i == 0) {
                path.moveTo(px, py);
            } else {
                path.lineTo(px, py);
            }
        }
        path.closePath();
        return path;
    }

    private static Color color(int style) {
        return COLORS[style % COLORS.length];
    }

    private static Color darker(Color color) {
        return new Color(color.getRed() * 3 / 4, color.getGreen() * 3 / 4, color.getBlue() * 3 / 4);
    }

    private static BasicStroke dashed(float width) {
        return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0);
    }

    /** Tick labels: "0", "250", "2.5k", "10k", "0.5"; at most a few characters, so the axis stays narrow. */
    static String formatRate(double rate) {
        if (rate >= 1000) {
            return new DecimalFormat("#,##0.#", DecimalFormatSymbols.getInstance(Locale.ROOT))
                    .format(rate / 1000) + "k";
        }
        return new DecimalFormat("0.##", DecimalFormatSymbols.getInstance(Locale.ROOT))
                .format(rate);
    }

    /**
     * One axis: maps a value to [0, 1] along the plot and lists its tick values.
     *
     * @param min value at the start of the axis; positive when {@code log}
     * @param max value at the end, greater than {@code min}
     * @param log whether positions are logarithmic
     */
    record Axis(double min, double max, boolean log) {
        Axis {
            if (!(max > min) || (log && !(min > 0))) {
                throw new IllegalArgumentException("axis needs min < max, and min > 0 when logarithmic: " + min
                        + ", " + max);
            }
        }

        /** A throughput axis: log decades for a wide span, else linear from 0 to a round value above the maximum. */
        static Axis forRates(double minRate, double maxRate) {
            if (logScale(minRate, maxRate)) {
                return new Axis(Math.pow(10, Math.floor(Math.log10(minRate))),
                        Math.pow(10, Math.ceil(Math.log10(maxRate))), true);
            }
            double top = maxRate > 0 ? maxRate * 1.08 : 1;
            double step = niceStep(top / 5);
            return new Axis(0, Math.ceil(top / step) * step, false);
        }

        double position(double value) {
            if (log) {
                return (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
            }
            return (value - min) / (max - min);
        }

        List<Double> ticks() {
            var ticks = new ArrayList<Double>();
            if (log) {
                int decades = (int) Math.round(Math.log10(max / min));
                // 1-2-5 within each decade while that stays readable, else decades only.
                double[] steps = decades <= 3 ? new double[] {1, 2, 5} : new double[] {1};
                for (double decade = min; decade <= max * 1.0001; decade *= 10) {
                    for (double step : steps) {
                        if (decade * step <= max * 1.0001) {
                            ticks.add(decade * step);
                        }
                    }
                }
                return ticks;
            }
            double step = niceStep((max - min) / 5);
            for (double tick = Math.ceil(min / step - 1e-9) * step; tick <= max + step * 1e-6; tick += step) {
                ticks.add(Math.round(tick / step) * step);
            }
            return ticks;
        }

        /** The 1, 2 or 5 times a power of ten nearest above {@code rough}. */
        private static double niceStep(double rough) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
            double fraction = rough / magnitude;
            return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
        }
    }
}
