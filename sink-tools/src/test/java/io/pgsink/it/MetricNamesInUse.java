package io.pgsink.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pgsink.testing.SourceTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every metric name the alert rules ({@code deploy/prometheus/pgsink-rules.yml}) and the Grafana dashboard ({@code
 * deploy/grafana/pgsink-dashboard.json}) query, so a test can check that a running worker exports each of them.
 * Names are series names as scraped: a histogram appears as {@code x_bucket}, {@code x_count} or {@code x_sum}, the
 * way its expressions use it.
 */
public final class MetricNamesInUse {

    static final Path RULES = SourceTree.path("deploy/prometheus/pgsink-rules.yml");
    static final Path DASHBOARD = SourceTree.path("deploy/grafana/pgsink-dashboard.json");

    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "offset",
            "bool",
            "inf",
            "nan");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern LABEL_LISTS =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern VARIABLES = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([^,)]*)(?:,[^)]*)?\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?!\\w)(\\s*\\()?");

    private MetricNamesInUse() {}

    /** The metric names of the rules and the dashboard together. */
    public static Set<String> inRulesAndDashboard() {
        Set<String> names = new TreeSet<>(inRules());
        names.addAll(inDashboard());
        return names;
    }

    /** The metric names the alerting and recording rules query. */
    public static Set<String> inRules() {
        Set<String> names = new TreeSet<>();
        for (JsonNode group : read(new YAMLMapper(), RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                names.addAll(inPromQl(rule.path("expr").asText()));
            }
        }
        return names;
    }

    /** The metric names the dashboard's panels and query variables use. */
    public static Set<String> inDashboard() {
        Set<String> names = new TreeSet<>();
        for (String expr : dashboardExpressions(read(new ObjectMapper(), DASHBOARD))) {
            names.addAll(inPromQl(expr));
        }
        return names;
    }

    /** Every PromQL expression of a dashboard: panel targets (rows nest panels) and query variables. */
    public static List<String> dashboardExpressions(JsonNode dashboard) {
        List<String> exprs = new ArrayList<>();
        collectTargets(dashboard.path("panels"), exprs);
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                JsonNode query = variable.path("query");
                exprs.add(query.isObject() ? query.path("query").asText() : query.asText());
            }
        }
        return exprs;
    }

    private static void collectTargets(JsonNode panels, List<String> exprs) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asText());
            }
            collectTargets(panel.path("panels"), exprs);
        }
    }

    /**
     * The metric names in one PromQL expression (or a Grafana {@code label_values(metric, label)} query): the
     * identifiers left once strings, label matchers, ranges, label lists, Grafana variables, function calls and
     * keywords are taken out.
     */
    static Set<String> inPromQl(String expr) {
        String bare = QUOTED.matcher(expr).replaceAll("\"\"");
        bare = LABEL_VALUES.matcher(bare).replaceAll("$1");
        bare = MATCHERS.matcher(bare).replaceAll("{}");
        bare = RANGES.matcher(bare).replaceAll("[]");
        bare = LABEL_LISTS.matcher(bare).replaceAll(" ");
        bare = VARIABLES.matcher(bare).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            boolean functionCall = m.group(2) != null;
            if (!functionCall && !KEYWORDS.contains(m.group(1).toLowerCase(Locale.ROOT))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }
}
