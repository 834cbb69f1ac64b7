package dev.quiver.server;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, for checking dashboards and alert rules against what the server
 * exports. Not a parser: it removes everything that holds identifiers that are not metric names (strings, label
 * matchers, grouping clauses, ranges, Grafana variables), then keeps the identifiers that are not called as a
 * function and are not keywords. Good enough for the expressions we write; a test pins the cases.
 */
final class PromQlNames {

    /** Quoted strings of any of PromQL's three kinds: label values and regular expressions. */
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    /** Grafana's variables: {@code $__rate_interval}, {@code ${DS_PROMETHEUS}}, {@code [[var]]}. */
    private static final Pattern VARIABLES = Pattern.compile("\\$\\{[^}]*}|\\$\\w+|\\[\\[\\w+]]");
    /** Label matchers, whose names (uri, status, le) are not metrics. */
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    /** Ranges and subqueries: durations only. */
    private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*]");
    /** Clauses that list label names: {@code by (uri, le)}, {@code on (instance)}, {@code group_left (x)}. */
    private static final Pattern LABEL_LISTS = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    /** An identifier not glued to a preceding word or number (so {@code 1e3} and {@code 5m} yield nothing). */
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.])[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2", "start", "end");

    private PromQlNames() {
    }

    /** The metric names in {@code expression}, sorted; empty for an expression of constants. */
    static Set<String> metricNames(String expression) {
        String text = STRINGS.matcher(expression).replaceAll("\"\"");
        text = VARIABLES.matcher(text).replaceAll("");
        text = MATCHERS.matcher(text).replaceAll("{}");
        text = RANGES.matcher(text).replaceAll("[]");
        text = LABEL_LISTS.matcher(text).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(text);
        while (identifier.find()) {
            String name = identifier.group();
            if (!KEYWORDS.contains(name.toLowerCase()) && !calledAsFunction(text, identifier.end())) {
                names.add(name);
            }
        }
        return names;
    }

    private static boolean calledAsFunction(String text, int end) {
        int next = end;
        while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
            next++;
        }
        return next < text.length() && text.charAt(next) == '(';
    }
}
