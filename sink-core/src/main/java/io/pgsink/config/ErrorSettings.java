package io.pgsink.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code error.*} settings: operators' overrides of how a SQLSTATE is classed, how long a record whose
 * foreign key has no parent yet waits, and when consecutive rejections mean the schema drifted. Validated like
 * every setting: every problem named, nothing adjusted.
 *
 * @param sqlStateOverrides SQLSTATE to {@code transient}, {@code poison} or {@code fatal} (lower case), from
 *     {@code error.sqlstate.<code>}
 * @param foreignKeyRetry how long a batch failing with 23503 is retried before the record is poison; zero: at once
 * @param driftConsecutiveRejections rejections in a row (same SQLSTATE and column, nothing of the table written in
 *     between) that stop the worker as schema drift; zero turns the rule off
 */
public record ErrorSettings(
        Map<String, String> sqlStateOverrides, Duration foreignKeyRetry, int driftConsecutiveRejections) {

    private static final Pattern SQLSTATE = Pattern.compile("[0-9A-Z]{5}");
    private static final Set<String> KINDS = Set.of("transient", "poison", "fatal");

    /** @throws ConfigException listing every invalid component */
    public ErrorSettings {
        List<String> problems = new ArrayList<>();
        check(sqlStateOverrides, problems);
        ConfigCatalog.FOREIGN_KEY_RETRY.check(foreignKeyRetry, problems);
        ConfigCatalog.DRIFT_CONSECUTIVE_REJECTIONS.check(driftConsecutiveRejections, problems);
        ConfigException.throwIfAny(problems);
        sqlStateOverrides = Map.copyOf(sqlStateOverrides);
    }

    /** The defaults: no overrides, the catalog's retry and drift limits. */
    public static ErrorSettings defaults() {
        return new ErrorSettings(
                Map.of(),
                Duration.ofMillis(Long.parseLong(
                        ConfigCatalog.FOREIGN_KEY_RETRY.defaultValue().orElseThrow())),
                Integer.parseInt(ConfigCatalog.DRIFT_CONSECUTIVE_REJECTIONS
                        .defaultValue()
                        .orElseThrow()));
    }

    /**
     * The overrides under {@code error.sqlstate.}, keyed by code, values trimmed and lower-cased; problems are
     * added, not thrown, so they are reported with every other one.
     */
    static Map<String, String> overrides(Map<String, String> properties, List<String> problems) {
        Map<String, String> overrides = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith(ConfigCatalog.ERROR_SQLSTATE_PREFIX)) {
                String kind = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
                overrides.put(key.substring(ConfigCatalog.ERROR_SQLSTATE_PREFIX.length()), kind);
            }
        });
        check(overrides, problems);
        return overrides;
    }

    private static void check(Map<String, String> overrides, List<String> problems) {
        if (overrides == null) {
            problems.add(ConfigCatalog.ERROR_SQLSTATE_PREFIX + "*: missing; pass an empty map when there are none");
            return;
        }
        overrides.forEach((code, kind) -> {
            String key = ConfigCatalog.ERROR_SQLSTATE_PREFIX + code;
            if (!SQLSTATE.matcher(code).matches()) {
                problems.add(key + ": \"" + code + "\" is not a SQLSTATE; name a five-character code of digits and"
                        + " upper-case letters, e.g. " + ConfigCatalog.ERROR_SQLSTATE_PREFIX + "23503=transient");
            }
            if (!KINDS.contains(kind)) {
                problems.add(key + ": \"" + kind + "\" is not a failure class; set one of transient, poison, fatal");
            }
        });
    }
}
