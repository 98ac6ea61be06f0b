package io.pgsink.pg;

import io.pgsink.config.WriteMode;
import io.pgsink.model.TableRef;
import io.pgsink.schema.Column;
import io.pgsink.schema.TableSchema;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The INSERT or upsert statement, and the COPY statements, for each set of columns a record can carry. Every
 * identifier is quoted; values are always bind parameters or COPY data. Statements are cached per column set, so
 * their text is stable and pgjdbc can use server-side prepared statements.
 */
final class SqlTemplates {

    private final TableSchema schema;
    private final WriteMode mode;
    private final List<Column> keyColumns;
    private final Map<BitSet, String> cache = new ConcurrentHashMap<>();
    private final Map<BitSet, CopySql> copies = new ConcurrentHashMap<>();
    private final boolean directCopy;

    /**
     * @param directCopy in upsert mode, whether a plain COPY into the table may be tried for new keys (see
     *     {@link CopySql#copyDirect})
     */
    SqlTemplates(TableSchema schema, WriteMode mode, List<Column> keyColumns, boolean directCopy) {
        this.schema = schema;
        this.mode = mode;
        this.keyColumns = List.copyOf(keyColumns);
        this.directCopy = directCopy;
    }

    boolean triesDirectCopy() {
        return directCopy;
    }

    String insert(BitSet columns) {
        return cache.computeIfAbsent((BitSet) columns.clone(), this::build);
    }

    /** The COPY statements for a column set: into the table, or through a staging table in upsert mode. */
    CopySql copy(BitSet columns) {
        return copies.computeIfAbsent((BitSet) columns.clone(), this::buildCopy);
    }

    private String build(BitSet columns) {
        StringJoiner params = new StringJoiner(", ", " VALUES (", ")");
        columns.stream().forEach(i -> params.add("?"));
        String sql = "INSERT INTO " + schema.table().quoted() + " (" + names(columns) + ")" + params;
        return mode == WriteMode.UPSERT ? sql + onConflict(columns) : sql;
    }

    private CopySql buildCopy(BitSet columns) {
        String names = names(columns);
        String table = schema.table().quoted();
        if (mode != WriteMode.UPSERT) {
            return new CopySql("COPY " + table + " (" + names + ") FROM STDIN", null, null, null, null);
        }
        String stage = "pg_temp." + TableRef.quote(stageName(columns));
        // CREATE TABLE AS keeps each column's type and typmod, but no default: none of the table's defaults runs
        // for the staging rows (LIKE ... INCLUDING DEFAULTS would draw a serial key's sequence twice per row).
        return new CopySql(
                "COPY " + stage + " (" + names + ") FROM STDIN",
                "CREATE TEMP TABLE IF NOT EXISTS " + stage + " ON COMMIT DELETE ROWS AS SELECT " + names + " FROM "
                        + table + " WITH NO DATA",
                "INSERT INTO " + table + " (" + names + ") SELECT " + names + " FROM " + stage + onConflict(columns),
                "TRUNCATE " + stage,
                directCopy ? "COPY " + table + " (" + names + ") FROM STDIN" : null);
    }

    /**
     * A name fixed by the table, the column set and the column types, so a pooled connection that already has the
     * staging table from an earlier session reuses it, and one made for another table or an older schema is never
     * mistaken for it.
     */
    private String stageName(BitSet columns) {
        StringBuilder shape = new StringBuilder(schema.table().quoted());
        columns.stream()
                .mapToObj(i -> schema.columns().get(i))
                .forEach(c -> shape.append('\n').append(c.name()).append('\t').append(c.sqlType()));
        UUID id = UUID.nameUUIDFromBytes(shape.toString().getBytes(StandardCharsets.UTF_8));
        return "pgsink_stage_" + id.toString().replace("-", "");
    }

    private String names(BitSet columns) {
        StringJoiner names = new StringJoiner(", ");
        columns.stream()
                .forEach(i -> names.add(TableRef.quote(schema.columns().get(i).name())));
        return names.toString();
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
