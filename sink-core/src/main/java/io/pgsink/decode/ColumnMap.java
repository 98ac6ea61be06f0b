package io.pgsink.decode;

import io.pgsink.config.Mapping;
import io.pgsink.config.NamingConvention;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import io.pgsink.schema.TableSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which column each field of a JSON object fills under a route's {@link Mapping}, against one reading of the
 * table. A field is first filtered ({@code include}, then {@code exclude}), then renamed, or else spelled by the
 * naming convention, and then looked up. Targets the mapping fills from elsewhere (metadata, headers, the whole
 * value, a path, the record key) are never filled by a same-named field as well: the explicit mapping wins.
 * Thread safe.
 */
final class ColumnMap {

    /** A field the mapping leaves out: skipped without being reported as a field without a column. */
    static final Column DROPPED = new Column("", -1, ColumnType.OTHER, null, "", false);

    // Field names are the records' to choose, so the cache of resolved names stops growing at a bound.
    private static final int MAX_CACHED_NAMES = 10_000;
    private static final Column NO_COLUMN = new Column("", -2, ColumnType.OTHER, null, "", false);

    /** A column filled from a field nested inside the top-level field the path starts with. */
    record PathTarget(List<String> rest, Column column) {}

    private final TableSchema schema;
    private final Mapping mapping;
    private final boolean filtered;
    private final BitSet explicit;
    private final BitSet only;
    private final Map<String, List<PathTarget>> paths;
    private final Map<String, Column> cache = new ConcurrentHashMap<>();

    private ColumnMap(TableSchema schema, Mapping mapping, boolean filtered, BitSet explicit, BitSet only) {
        this.schema = schema;
        this.mapping = mapping;
        this.filtered = filtered;
        this.explicit = explicit;
        this.only = only;
        this.paths = filtered ? paths(schema, mapping, only) : Map.of();
    }

    /**
     * The fields of a record value: every rule of the mapping applies.
     *
     * @param explicit columns filled by something other than a same-named field
     */
    static ColumnMap forValues(TableSchema schema, Mapping mapping, BitSet explicit) {
        return new ColumnMap(schema, mapping, true, explicit, null);
    }

    /** The key columns among the fields of a value (a delete's before-image): every rule of the mapping applies. */
    static ColumnMap forKeysInValue(TableSchema schema, Mapping mapping, BitSet explicit, BitSet keys) {
        return new ColumnMap(schema, mapping, true, explicit, keys);
    }

    /**
     * The key columns among the fields of a record key: renamed or spelled by the naming convention, but not
     * filtered (include and exclude name value fields).
     */
    static ColumnMap forKeys(TableSchema schema, Mapping mapping, BitSet keys) {
        return new ColumnMap(schema, mapping, false, new BitSet(), keys);
    }

    /** The field's column; {@link #DROPPED} when the mapping leaves it out; {@code null} when it has no column. */
    Column column(String field) {
        Column cached = cache.get(field);
        if (cached == null) {
            cached = resolve(field);
            if (cache.size() < MAX_CACHED_NAMES) {
                cache.put(field, cached);
            }
        }
        return cached == NO_COLUMN ? null : cached;
    }

    /** The name of the column a field looks for. */
    String columnName(String field) {
        String renamed = mapping.rename().get(field);
        if (renamed != null) {
            return renamed;
        }
        return mapping.naming() == NamingConvention.SNAKE_CASE ? SnakeCase.of(field) : field;
    }

    /** The paths that start at this top-level field, or {@code null}. */
    List<PathTarget> paths(String field) {
        return paths.isEmpty() ? null : paths.get(field);
    }

    private Column resolve(String field) {
        if (filtered
                && ((!mapping.include().isEmpty() && !mapping.include().contains(field))
                        || mapping.exclude().contains(field))) {
            return DROPPED;
        }
        Column column = schema.column(columnName(field)).orElse(null);
        if (column == null) {
            return only == null ? NO_COLUMN : DROPPED;
        }
        if (explicit.get(column.index()) || (only != null && !only.get(column.index()))) {
            return DROPPED;
        }
        return column;
    }

    private static Map<String, List<PathTarget>> paths(TableSchema schema, Mapping mapping, BitSet only) {
        Map<String, List<PathTarget>> byHead = new HashMap<>();
        mapping.paths().forEach((columnName, path) -> {
            Column column = schema.column(columnName).orElse(null);
            List<String> segments = Arrays.asList(path.split("\\.", -1));
            if (column != null && (only == null || only.get(column.index()))) {
                byHead.computeIfAbsent(segments.get(0), head -> new ArrayList<>())
                        .add(new PathTarget(List.copyOf(segments.subList(1, segments.size())), column));
            }
        });
        byHead.replaceAll((head, targets) -> List.copyOf(targets));
        return Map.copyOf(byHead);
    }
}
