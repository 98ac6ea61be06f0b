package io.pgsink.config;

import io.pgsink.model.TableRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The checks a set of routes must pass before a worker starts, each problem naming the key to fix. */
final class RouteChecks {

    /** PostgreSQL keeps the first 63 bytes of an identifier (NAMEDATALEN - 1) and silently drops the rest. */
    static final int MAX_IDENTIFIER_BYTES = 63;

    private RouteChecks() {}

    /** Checks of one route on its own; {@code prefix} is {@code route.<name>}. */
    static void route(Route route, String prefix, List<String> problems) {
        table(route, prefix + ".table", problems);
        route.keyColumns().forEach(column -> identifier(prefix + ".key.columns", column, problems));
        mappingColumns(route.mapping(), prefix, problems);
        evolution(route, prefix, problems);
        if (route.keySource() == KeySource.COORDINATES
                && !route.mapping().metadataColumns().keySet().containsAll(List.of("topic", "partition", "offset"))) {
            problems.add(prefix + ".key.source: coordinates needs the topic, partition and offset columns; set "
                    + prefix + ".mapping.metadata=topic:<column>,partition:<column>,offset:<column>");
        }
    }

    /** Type names only in a declared column: it is spliced into CREATE TABLE as written. */
    private static final java.util.regex.Pattern DECLARED_TYPE =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_ .,()\\[\\]]*");

    /** auto.create needs something to create from; declared columns are "name type" with the key among them. */
    private static void evolution(Route route, String prefix, List<String> problems) {
        List<String> names = new ArrayList<>();
        for (String definition : route.declaredColumns()) {
            String[] parts = definition.strip().split("\\s+", 2);
            identifier(prefix + ".declared.columns", parts[0], problems);
            if (names.contains(parts[0])) {
                problems.add(prefix + ".declared.columns: column " + parts[0] + " is declared twice; declare it once");
            }
            names.add(parts[0]);
            if (parts.length < 2 || !DECLARED_TYPE.matcher(parts[1].strip()).matches()) {
                problems.add(prefix + ".declared.columns: \"" + definition.strip() + "\" is not \"name type\" with a"
                        + " PostgreSQL type name (letters, digits, spaces, _ . , ( ) [ ]); write e.g. id bigint");
            }
        }
        if (!names.isEmpty() && !names.containsAll(route.keyColumns())) {
            problems.add(prefix + ".key.columns: " + route.keyColumns() + " must be among " + prefix
                    + ".declared.columns " + names + " to be the created table's primary key; declare them");
        }
        boolean schemaless = route.format() == InputFormat.JSON;
        if (route.autoCreate() && schemaless && names.isEmpty()) {
            problems.add(prefix + ".auto.create: schemaless JSON records carry no types to create a table from; set "
                    + prefix + ".declared.columns (e.g. id bigint, name text), or create the table");
        }
        if (route.autoAddColumns() && schemaless) {
            problems.add(prefix + ".auto.add.columns: schemaless JSON records carry no types, and pgsink does not"
                    + " guess a column's type from values; add the column yourself, or use a format with a schema"
                    + " (connect-json, debezium)");
        }
        if (!names.isEmpty() && !route.autoCreate()) {
            problems.add(prefix + ".declared.columns: is used only with " + prefix + ".auto.create=true; set it, or"
                    + " remove the declaration");
        }
    }

    /** A fixed name, or a template: one placeholder kind, valid with any topic, short enough for listed topics. */
    private static void table(Route route, String key, List<String> problems) {
        String template = route.table();
        String withoutPlaceholder = template.replace(Route.TOPIC_PLACEHOLDER, "");
        if (withoutPlaceholder.contains("${")) {
            problems.add(key + ": \"" + template + "\" holds a placeholder other than " + Route.TOPIC_PLACEHOLDER
                    + "; ${topic} is the only one");
            return;
        }
        // A sanitised topic is [a-z0-9_]+, so a template is valid for every topic when it is valid with one.
        String sample = template.replace(Route.TOPIC_PLACEHOLDER, "t");
        if (!ConfigCatalog.TABLE_NAME.matcher(sample).matches()) {
            problems.add(key + ": \"" + template + "\" is not name or schema.name (with ${topic} standing for the"
                    + " topic); set a table like public.orders or ev_${topic}");
            return;
        }
        if (!template.contains(Route.TOPIC_PLACEHOLDER)) {
            tableParts(key, template, problems);
            return;
        }
        tableParts(key, sample, problems); // too long with a one-character topic: too long with any

        for (String topic : route.topics()) {
            tableParts(key + " (for topic " + topic + ")", route.tableFor(topic), problems);
        }
    }

    private static void tableParts(String key, String table, List<String> problems) {
        TableRef ref = TableRef.parse(table);
        if (ref.schema() != null) {
            identifier(key, ref.schema(), problems);
        }
        identifier(key, ref.name(), problems);
    }

    private static void mappingColumns(Mapping mapping, String prefix, List<String> problems) {
        mapping.rename().values().forEach(c -> identifier(prefix + ".mapping.rename", c, problems));
        mapping.paths().keySet().forEach(c -> identifier(prefix + ".mapping.paths", c, problems));
        if (mapping.valueColumn() != null) {
            identifier(prefix + ".mapping.value.column", mapping.valueColumn(), problems);
        }
        mapping.metadataColumns().values().forEach(c -> identifier(prefix + ".mapping.metadata", c, problems));
        mapping.headerColumns().values().forEach(c -> identifier(prefix + ".mapping.headers", c, problems));
    }

    static void identifier(String key, String identifier, List<String> problems) {
        String problem = identifierProblem(identifier);
        if (problem != null) {
            problems.add(key + ": " + problem);
        }
    }

    /** Why PostgreSQL would not keep {@code identifier} as written, or null. */
    static String identifierProblem(String identifier) {
        int bytes = identifier.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_IDENTIFIER_BYTES) {
            return "\"" + identifier + "\" is " + bytes + " bytes; PostgreSQL cuts identifiers to "
                    + MAX_IDENTIFIER_BYTES + " bytes, so name it with at most " + MAX_IDENTIFIER_BYTES;
        }
        return null;
    }

    /**
     * Routes that claim the same topic: listed twice, or listed by one and matched by another's pattern. Two
     * patterns cannot be proven disjoint; a topic matching both is refused when it is assigned.
     */
    static void overlaps(List<Route> routes, List<String> problems) {
        Map<String, String> owner = new HashMap<>();
        for (Route route : routes) {
            for (String topic : route.topics()) {
                String first = owner.putIfAbsent(topic, route.name());
                if (first != null) {
                    problems.add(
                            RouteParser.key(route.name(), "topics") + ": topic " + topic + " is also listed by route "
                                    + first + "; a topic belongs to one route: remove it from one");
                }
            }
        }
        for (Route route : routes) {
            if (route.topicPattern() == null) {
                continue;
            }
            List<String> matched = new ArrayList<>();
            owner.forEach((topic, listedBy) -> {
                if (route.topicPattern().matcher(topic).matches()) {
                    matched.add(topic + " (route " + listedBy + ")");
                }
            });
            matched.stream()
                    .sorted()
                    .forEach(m -> problems.add(RouteParser.key(route.name(), "topics.regex") + ": matches topic " + m
                            + "; a topic belongs to one route: narrow the pattern or unlist it"));
        }
    }
}
