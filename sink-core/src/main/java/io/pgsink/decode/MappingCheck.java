package io.pgsink.decode;

import io.pgsink.config.KeySource;
import io.pgsink.config.Mapping;
import io.pgsink.config.Route;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import io.pgsink.schema.TableSchema;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a route's mapping and key asks of a table that the table cannot give, found before any record is read:
 * a mapped column the table lacks, a whole-value column that is not json/jsonb, a metadata column of a type that
 * cannot hold it, two sources for one column, key columns that are missing, deletes that could find no row. At
 * run time such a mapping would leave columns out silently or make every record poison; the worker reports
 * these problems at start instead, every one of them.
 */
public final class MappingCheck {

    private static final Map<String, Set<ColumnType>> METADATA_TYPES = Map.of(
            "topic", EnumSet.of(ColumnType.TEXT, ColumnType.OTHER, ColumnType.JSON, ColumnType.JSONB),
            "partition",
                    EnumSet.of(
                            ColumnType.SMALLINT,
                            ColumnType.INTEGER,
                            ColumnType.BIGINT,
                            ColumnType.NUMERIC,
                            ColumnType.TEXT,
                            ColumnType.OTHER),
            "offset", EnumSet.of(ColumnType.BIGINT, ColumnType.NUMERIC, ColumnType.TEXT, ColumnType.OTHER),
            "timestamp",
                    EnumSet.of(
                            ColumnType.TIMESTAMPTZ,
                            ColumnType.TIMESTAMP,
                            ColumnType.BIGINT,
                            ColumnType.NUMERIC,
                            ColumnType.TEXT,
                            ColumnType.OTHER),
            "key", EnumSet.complementOf(EnumSet.of(ColumnType.ARRAY)));

    private final Route route;
    private final TableSchema schema;
    private final List<String> problems = new ArrayList<>();
    // Column name to the mapping entry that fills it explicitly, to find two sources for one column.
    private final Map<String, String> sources = new HashMap<>();

    private MappingCheck(Route route, TableSchema schema) {
        this.route = route;
        this.schema = schema;
    }

    /** Every problem found, each a sentence naming the route, the mapping entry and the column; empty if none. */
    public static List<String> problems(Route route, TableSchema schema) {
        MappingCheck check = new MappingCheck(route, schema);
        check.explicitColumns(route.mapping());
        check.renames(route.mapping());
        check.keys();
        return List.copyOf(check.problems);
    }

    private void explicitColumns(Mapping mapping) {
        if (mapping.valueColumn() != null) {
            Column column = target("the whole value", mapping.valueColumn());
            if (column != null && column.type() != ColumnType.JSON && column.type() != ColumnType.JSONB) {
                problem("the whole value goes to column \"" + column.name() + "\", which is " + column.sqlType()
                        + ", not json or jsonb");
            }
        }
        mapping.metadataColumns().forEach(this::metadata);
        if (route.keySource() == KeySource.COORDINATES) {
            List<String> coordinates = KeyColumns.coordinates(mapping);
            for (int i = 0; i < 3; i++) {
                String name = Mapping.METADATA.get(i);
                if (!mapping.metadataColumns().containsKey(name)) {
                    metadata(name, coordinates.get(i));
                }
            }
        }
        mapping.headerColumns().forEach((header, name) -> target("header \"" + header + "\"", name));
        mapping.paths().forEach((name, path) -> {
            target("path \"" + path + "\"", name);
            if (path.isEmpty() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
                problem("path \"" + path + "\" for column \"" + name + "\" has an empty step");
            }
        });
    }

    private void metadata(String item, String name) {
        Set<ColumnType> types = METADATA_TYPES.get(item);
        if (types == null) {
            problem("metadata \"" + item + "\" is not one of " + Mapping.METADATA);
            return;
        }
        Column column = target("the record's " + item, name);
        if (column != null && !types.contains(column.type())) {
            problem("the record's " + item + " goes to column \"" + name + "\", which is " + column.sqlType()
                    + " and cannot hold it");
        }
    }

    /** The column an explicit mapping entry fills, or {@code null} (and a problem) when it cannot be filled. */
    private Column target(String source, String name) {
        String other = sources.putIfAbsent(name, source);
        if (other != null) {
            problem(source + " and " + other + " both go to column \"" + name + "\"");
        }
        return column(source, name);
    }

    private void renames(Mapping mapping) {
        mapping.rename().forEach((field, name) -> {
            String explicit = sources.get(name);
            if (explicit != null) {
                problem("field \"" + field + "\" is renamed to column \"" + name + "\", which " + explicit
                        + " fills: the rename would never apply");
            }
            column("field \"" + field + "\" (renamed)", name);
        });
        Set<String> seen = new HashSet<>();
        mapping.rename().values().stream()
                .filter(name -> !seen.add(name))
                .distinct()
                .forEach(name -> problem("several fields are renamed to column \"" + name + "\""));
    }

    private void keys() {
        List<String> keys = KeyColumns.names(route, schema);
        keys.stream()
                .filter(name -> schema.column(name).isEmpty())
                .forEach(name -> problem("key column \"" + name + "\" is not a column of table " + schema.table()));
        if (route.keySource() == KeySource.COORDINATES) {
            if (!Set.copyOf(keys).equals(Set.copyOf(KeyColumns.coordinates(route.mapping())))) {
                problem("the key source is the Kafka coordinates, so the key columns must be the topic, partition"
                        + " and offset columns " + KeyColumns.coordinates(route.mapping()) + ", not " + keys);
            }
            if (route.deletes()) {
                problem("deletes are on, but the key source is the Kafka coordinates, which no delete carries:"
                        + " turn deletes off or take the key from the value or the record key");
            }
        } else if (keys.isEmpty() && (route.deletes() || route.keySource() == KeySource.RECORD_KEY)) {
            problem((route.deletes() ? "deletes need" : "a key taken from the record key needs") + " key columns,"
                    + " and table " + schema.table() + " has no primary key: name the key columns");
        }
    }

    private Column column(String source, String name) {
        Column column = schema.column(name).orElse(null);
        if (column == null) {
            problem(source + " goes to column \"" + name + "\", which table " + schema.table() + " does not have");
        } else if (column.identityAlways()) {
            problem(source + " goes to column \"" + name + "\", which is GENERATED ALWAYS AS IDENTITY:"
                    + " PostgreSQL fills it itself");
        }
        return column;
    }

    private void problem(String sentence) {
        problems.add("route \"" + route.name() + "\": " + sentence);
    }
}
