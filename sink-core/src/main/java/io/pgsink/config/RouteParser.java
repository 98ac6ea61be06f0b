package io.pgsink.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Parses the {@code route.<name>.*} keys into {@link Route}s, collecting every problem: unknown settings (with the
 * nearest known one), invalid values, a route without topics or table, identifiers PostgreSQL would truncate, and
 * routes that claim the same topic. Regular expressions of two routes cannot be proven disjoint here; a topic that
 * matches two routes is refused when it is assigned ({@link Routing}).
 */
final class RouteParser {

    private final Map<String, String> properties;
    private final List<String> problems;

    private RouteParser(Map<String, String> properties, List<String> problems) {
        this.properties = properties;
        this.problems = problems;
    }

    /** The routes of {@code properties}, in name order; empty when there is no {@code route.} key. */
    static List<Route> parse(Map<String, String> properties, List<String> problems) {
        return new RouteParser(properties, problems).parse();
    }

    static boolean isRouteKey(String key) {
        return key.startsWith(RouteCatalog.PREFIX);
    }

    private List<Route> parse() {
        Set<String> names = new TreeSet<>();
        for (String key : properties.keySet()) {
            if (isRouteKey(key)) {
                routeName(key).ifPresent(names::add);
            }
        }
        List<Route> routes = new ArrayList<>();
        for (String name : names) {
            Route route = route(name);
            if (route != null) {
                routes.add(route);
            }
        }
        RouteChecks.overlaps(routes, problems);
        return routes;
    }

    /** The route a key belongs to, or empty (and a problem) when the key is not a known route setting. */
    private Optional<String> routeName(String key) {
        String rest = key.substring(RouteCatalog.PREFIX.length());
        int dot = rest.indexOf('.');
        String name = dot < 0 ? rest : rest.substring(0, dot);
        String setting = dot < 0 ? "" : rest.substring(dot + 1);
        if (!RouteCatalog.ROUTE_NAME.matcher(name).matches()) {
            problems.add(key + ": \"" + name + "\" is not a route name; use letters, digits, '_' and '-' (at most 64),"
                    + " as in route.orders.table");
            return Optional.empty();
        }
        if (RouteCatalog.setting(setting).isEmpty()) {
            List<String> known = RouteCatalog.keys().stream()
                    .map(k -> k.name().replace(RouteCatalog.NAME, name))
                    .collect(Collectors.toList());
            problems.add(key + ": unknown route setting; "
                    + KeySuggestions.nearest(key, known)
                            .map("did you mean %s?"::formatted)
                            .orElse("see the route keys in docs/configuration.md"));
        }
        return Optional.of(name);
    }

    private Route route(String name) {
        int before = problems.size();
        List<String> topics = value(name, RouteCatalog.TOPICS);
        String regex = value(name, RouteCatalog.TOPICS_REGEX);
        String table = value(name, RouteCatalog.TABLE);
        WriteMode mode = value(name, RouteCatalog.MODE);
        KeySource keySource = value(name, RouteCatalog.KEY_SOURCE);
        List<String> keyColumns = value(name, RouteCatalog.KEY_COLUMNS);
        InputFormat format = value(name, RouteCatalog.FORMAT);
        String deadLetterTopic = value(name, RouteCatalog.DEADLETTER_TOPIC);
        Boolean deletes = value(name, RouteCatalog.DELETES);
        Boolean truncates = value(name, RouteCatalog.TRUNCATES);
        MissingRowPolicy missing = value(name, RouteCatalog.UPDATE_MISSING);
        Boolean autoCreate = value(name, RouteCatalog.AUTO_CREATE);
        Boolean autoAdd = value(name, RouteCatalog.AUTO_ADD_COLUMNS);
        List<String> declared = value(name, RouteCatalog.DECLARED_COLUMNS);
        Mapping mapping = mapping(name);
        Pattern pattern = pattern(name, topics, regex);
        if (problems.size() > before) {
            return null;
        }
        Route route = new Route(
                name,
                topics,
                pattern,
                table,
                mode,
                keySource,
                keyColumns,
                format,
                mapping,
                deadLetterTopic,
                deletes == null ? format == InputFormat.DEBEZIUM : deletes,
                truncates,
                missing,
                autoCreate,
                autoAdd,
                declared);
        RouteChecks.route(route, key(name, ""), problems);
        return route;
    }

    private Pattern pattern(String name, List<String> topics, String regex) {
        String topicsKey = key(name, "topics");
        if (regex == null) {
            if (topics != null && topics.isEmpty()) {
                problems.add(topicsKey + ": missing; list the route's topics, e.g. " + topicsKey + "=orders, or set "
                        + topicsKey + ".regex");
            }
            return null;
        }
        if (topics != null && !topics.isEmpty()) {
            problems.add(topicsKey + ": set together with " + topicsKey + ".regex; a route reads a list or a pattern,"
                    + " not both: remove one, or add a second route");
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            problems.add(topicsKey + ".regex: \"" + regex + "\" is not a regular expression (" + e.getDescription()
                    + " at index " + e.getIndex() + "); fix the pattern");
            return null;
        }
    }

    private Mapping mapping(String name) {
        List<String> include = value(name, RouteCatalog.MAPPING_INCLUDE);
        List<String> exclude = value(name, RouteCatalog.MAPPING_EXCLUDE);
        Map<String, String> rename = pairs(name, RouteCatalog.MAPPING_RENAME);
        Map<String, String> paths = pairs(name, RouteCatalog.MAPPING_PATHS);
        String valueColumn = value(name, RouteCatalog.MAPPING_VALUE_COLUMN);
        Map<String, String> metadata = pairs(name, RouteCatalog.MAPPING_METADATA);
        Map<String, String> headers = pairs(name, RouteCatalog.MAPPING_HEADERS);
        NamingConvention naming = value(name, RouteCatalog.MAPPING_NAMING);
        if (include == null
                || exclude == null
                || rename == null
                || paths == null
                || metadata == null
                || headers == null
                || naming == null) {
            return null;
        }
        String metadataKey = key(name, "mapping.metadata");
        metadata.keySet().stream()
                .filter(meta -> !Mapping.METADATA.contains(meta))
                .forEach(meta -> problems.add(metadataKey + ": \"" + meta + "\" is not Kafka metadata; use "
                        + String.join(", ", Mapping.METADATA)));
        return new Mapping(
                Set.copyOf(include), Set.copyOf(exclude), rename, paths, valueColumn, metadata, headers, naming);
    }

    /** A list of {@code a:b} pairs as an ordered map; a repeated left side is a problem. */
    private Map<String, String> pairs(String name, ConfigKey<List<String>> key) {
        List<String> items = value(name, key);
        if (items == null) {
            return null;
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String item : items) {
            int colon = item.indexOf(':');
            String left = item.substring(0, colon).strip();
            if (pairs.put(left, item.substring(colon + 1).strip()) != null) {
                problems.add(key.name().replace(RouteCatalog.NAME, name) + ": \"" + left
                        + "\" is mapped twice; map it once");
            }
        }
        return new TreeMap<>(pairs);
    }

    private <T> T value(String name, ConfigKey<T> key) {
        String concrete = key.name().replace(RouteCatalog.NAME, name);
        return key.named(concrete).parse(properties.get(concrete), problems);
    }

    static String key(String route, String setting) {
        return RouteCatalog.PREFIX + route + (setting.isEmpty() ? "" : "." + setting);
    }
}
