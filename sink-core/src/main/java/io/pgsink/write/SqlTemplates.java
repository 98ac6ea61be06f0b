package io.pgsink.write;

import io.pgsink.config.WriteMode;
import io.pgsink.model.TableRef;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The INSERT or upsert statement for each set of columns a record can carry. Every identifier is quoted; values
 * are always bind parameters. Statements are cached per column set, so their text is stable and pgjdbc can use
 * server-side prepared statements.
 */
final class SqlTemplates {

    private final TableSchema schema;
    private final WriteMode mode;
    private final List<Column> keyColumns;
    private final Map<BitSet, String> cache = new ConcurrentHashMap<>();

    SqlTemplates(TableSchema schema, WriteMode mode, List<Column> keyColumns) {
        this.schema = schema;
        this.mode = mode;
        this.keyColumns = List.copyOf(keyColumns);
    }

    String insert(BitSet columns) {
        return cache.computeIfAbsent((BitSet) columns.clone(), this::build);
    }

    private String build(BitSet columns) {
        StringJoiner names = new StringJoiner(", ", " (", ")");
        StringJoiner params = new StringJoiner(", ", " VALUES (", ")");
        columns.stream().forEach(i -> {
            names.add(TableRef.quote(schema.columns().get(i).name()));
            params.add("?");
        });
        String sql = "INSERT INTO " + schema.table().quoted() + names + params;
        return mode == WriteMode.UPSERT ? sql + onConflict(columns) : sql;
    }

    /** {@code ON CONFLICT (keys) DO UPDATE} for the non-key columns this record sets; DO NOTHING if none. */
    String onConflict(BitSet columns) {
        StringJoiner keys = new StringJoiner(", ", " ON CONFLICT (", ")");
        BitSet updated = (BitSet) columns.clone();
        for (Column key : keyColumns) {
            keys.add(TableRef.quote(key.name()));
            updated.clear(key.index());
        }
        if (updated.isEmpty()) {
            return keys + " DO NOTHING";
        }
        StringJoiner sets = new StringJoiner(", ", " DO UPDATE SET ", "");
        updated.stream().forEach(i -> {
            String name = TableRef.quote(schema.columns().get(i).name());
            sets.add(name + " = EXCLUDED." + name);
        });
        return keys + sets.toString();
    }
}
