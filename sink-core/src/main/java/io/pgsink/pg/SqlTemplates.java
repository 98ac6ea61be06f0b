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
import java.util.stream.IntStream;

/**
 * The statements for each set of columns a record can carry, by write mode: INSERT, upsert ({@code ON CONFLICT DO
 * UPDATE}), insert-if-absent ({@code ON CONFLICT DO NOTHING}) or UPDATE for a JDBC batch, the COPY statements
 * (straight into the table, or through a staging table), and the DELETE and TRUNCATE statements. Every identifier
 * is quoted; values are always bind parameters or COPY data. Statements are cached per column set, so their text
 * is stable and pgjdbc can use server-side prepared statements.
 */
final class SqlTemplates {

    /**
     * The staged row's position in its batch, a column of update mode's staging tables that {@code RETURNING} hands
     * back for each row it updated. Quoted with a character no one puts in a column name, so it never meets one.
     */
    static final String ROW_NUMBER = "\"pgsink#row\"";

    private final TableSchema schema;
    private final WriteMode mode;
    private final List<Column> keyColumns;
    private final BitSet keys = new BitSet();
    private final Map<BitSet, BatchSql> statements = new ConcurrentHashMap<>();
    private final Map<BitSet, CopySql> copies = new ConcurrentHashMap<>();
    private final boolean directCopy;

    /** A statement for a JDBC batch, and the columns whose values its parameters take, in order. */
    record BatchSql(String sql, int[] parameters) {}

    /**
     * @param mode how writes reach the table; update mode with missing rows inserted is passed as upsert
     * @param keyColumns what upserts conflict on, updates and deletes match on; may be empty in insert and
     *     insert-if-absent modes
     * @param directCopy in upsert and insert-if-absent modes, whether a plain COPY into the table may be tried for
     *     new keys (see {@link CopySql#copyDirect})
     */
    SqlTemplates(TableSchema schema, WriteMode mode, List<Column> keyColumns, boolean directCopy) {
        this.schema = schema;
        this.mode = mode;
        this.keyColumns = List.copyOf(keyColumns);
        this.keyColumns.forEach(key -> keys.set(key.index()));
        this.directCopy = directCopy;
    }

    boolean triesDirectCopy() {
        return directCopy;
    }

    /** Whether a write reports, per row, that its row did not exist (update mode). */
    boolean updates() {
        return mode == WriteMode.UPDATE;
    }

    /** The write statement for a JDBC batch of rows that set {@code columns}. */
    BatchSql statement(BitSet columns) {
        return statements.computeIfAbsent((BitSet) columns.clone(), this::build);
    }

    /** The DELETE by key for a JDBC batch. */
    BatchSql delete() {
        StringJoiner where = new StringJoiner(" AND ", " WHERE ", "");
        keyColumns.forEach(key -> where.add(quote(key) + " = ?"));
        return new BatchSql("DELETE FROM " + table() + where, keyIndexes());
    }

    String truncate() {
        return "TRUNCATE " + table();
    }

    /** The COPY statements for a column set: into the table, or through a staging table. */
    CopySql copy(BitSet columns) {
        return copies.computeIfAbsent((BitSet) columns.clone(), this::buildCopy);
    }

    /**
     * COPY the keys, numbered, into a staging table, then {@code DELETE ... USING} it, returning the numbers of the
     * rows that found one to delete (the others count no row affected, as a JDBC batch's DELETE would).
     */
    CopySql deleteCopy() {
        String stage = stage(keys, true);
        String match = keyColumns.stream()
                .map(key -> table() + "." + quote(key) + " = s." + quote(key))
                .reduce((a, b) -> a + " AND " + b)
                .orElseThrow();
        return new CopySql(
                "COPY " + stage + " (" + ROW_NUMBER + ", " + names(keys) + ") FROM STDIN",
                createStage(stage, keys, true),
                "DELETE FROM " + table() + " USING " + stage + " s WHERE " + match + " RETURNING s." + ROW_NUMBER,
                "TRUNCATE " + stage,
                null,
                true);
    }

    /** The key columns, so that deletes can be encoded like rows. */
    BitSet keys() {
        return (BitSet) keys.clone();
    }

    private BatchSql build(BitSet columns) {
        if (mode == WriteMode.UPDATE) {
            BitSet set = updated(columns);
            StringJoiner sets = new StringJoiner(", ", " SET ", "");
            set.stream().forEach(i -> sets.add(quote(i) + " = ?"));
            StringJoiner where = new StringJoiner(" AND ", " WHERE ", "");
            keyColumns.forEach(key -> where.add(quote(key) + " = ?"));
            int[] parameters =
                    IntStream.concat(set.stream(), IntStream.of(keyIndexes())).toArray();
            return new BatchSql("UPDATE " + table() + sets + where, parameters);
        }
        StringJoiner params = new StringJoiner(", ", " VALUES (", ")");
        columns.stream().forEach(i -> params.add("?"));
        String sql = "INSERT INTO " + table() + " (" + names(columns) + ")" + params;
        return new BatchSql(
                mode == WriteMode.INSERT ? sql : sql + onConflict(columns),
                columns.stream().toArray());
    }

    private CopySql buildCopy(BitSet columns) {
        String names = names(columns);
        if (mode == WriteMode.INSERT) {
            return new CopySql("COPY " + table() + " (" + names + ") FROM STDIN", null, null, null, null, false);
        }
        boolean numbered = mode == WriteMode.UPDATE;
        String stage = stage(columns, numbered);
        return new CopySql(
                "COPY " + stage + " (" + (numbered ? ROW_NUMBER + ", " : "") + names + ") FROM STDIN",
                createStage(stage, columns, numbered),
                numbered ? updateFromStage(stage, columns) : insertFromStage(stage, columns),
                "TRUNCATE " + stage,
                directCopy ? "COPY " + table() + " (" + names + ") FROM STDIN" : null,
                numbered);
    }

    private String insertFromStage(String stage, BitSet columns) {
        String names = names(columns);
        return "INSERT INTO " + table() + " (" + names + ") SELECT " + names + " FROM " + stage + onConflict(columns);
    }

    /** Sets what the rows set, for the rows whose key exists; returns the staged row numbers it updated. */
    private String updateFromStage(String stage, BitSet columns) {
        StringJoiner sets = new StringJoiner(", ", " SET ", "");
        updated(columns).stream().forEach(i -> sets.add(quote(i) + " = s." + quote(i)));
        StringJoiner match = new StringJoiner(" AND ", " WHERE ", "");
        keyColumns.forEach(key -> match.add(table() + "." + quote(key) + " = s." + quote(key)));
        return "UPDATE " + table() + sets + " FROM " + stage + " s" + match + " RETURNING s." + ROW_NUMBER;
    }

    /**
     * The columns an update sets: those the row sets, but the key. A row that sets only the key sets its first key
     * column to itself, so that the statement still tells whether the row exists.
     */
    private BitSet updated(BitSet columns) {
        BitSet set = (BitSet) columns.clone();
        set.andNot(keys);
        if (set.isEmpty()) {
            set.set(keyColumns.get(0).index());
        }
        return set;
    }

    /**
     * CREATE TABLE AS keeps each column's type and typmod, but no default: none of the table's defaults runs for
     * the staging rows (LIKE ... INCLUDING DEFAULTS would draw a serial key's sequence twice per row).
     */
    private String createStage(String stage, BitSet columns, boolean numbered) {
        return "CREATE TEMP TABLE IF NOT EXISTS " + stage + " ON COMMIT DELETE ROWS AS SELECT "
                + (numbered ? "0 AS " + ROW_NUMBER + ", " : "") + names(columns) + " FROM " + table()
                + " WITH NO DATA";
    }

    /**
     * A name fixed by the table, the column set, the column types and whether rows are numbered, so a pooled
     * connection that already has the staging table from an earlier session reuses it, and one made for another
     * table, an older schema or another mode is never mistaken for it.
     */
    private String stage(BitSet columns, boolean numbered) {
        StringBuilder shape = new StringBuilder(table());
        if (numbered) {
            shape.append('\n').append(ROW_NUMBER);
        }
        columns.stream()
                .mapToObj(i -> schema.columns().get(i))
                .forEach(c -> shape.append('\n').append(c.name()).append('\t').append(c.sqlType()));
        UUID id = UUID.nameUUIDFromBytes(shape.toString().getBytes(StandardCharsets.UTF_8));
        return "pg_temp." + TableRef.quote("pgsink_stage_" + id.toString().replace("-", ""));
    }

    private String names(BitSet columns) {
        StringJoiner names = new StringJoiner(", ");
        columns.stream().forEach(i -> names.add(quote(i)));
        return names.toString();
    }

    /**
     * Upsert: {@code ON CONFLICT (keys) DO UPDATE} for the non-key columns this record sets; DO NOTHING if none.
     * Insert-if-absent: {@code ON CONFLICT (keys) DO NOTHING}, or on any unique violation when there is no key.
     */
    String onConflict(BitSet columns) {
        if (keyColumns.isEmpty()) {
            return " ON CONFLICT DO NOTHING";
        }
        StringJoiner target = new StringJoiner(", ", " ON CONFLICT (", ")");
        keyColumns.forEach(key -> target.add(quote(key)));
        BitSet updated = (BitSet) columns.clone();
        updated.andNot(keys);
        if (mode == WriteMode.INSERT_IF_ABSENT || updated.isEmpty()) {
            return target + " DO NOTHING";
        }
        StringJoiner sets = new StringJoiner(", ", " DO UPDATE SET ", "");
        updated.stream().forEach(i -> sets.add(quote(i) + " = EXCLUDED." + quote(i)));
        return target + sets.toString();
    }

    private int[] keyIndexes() {
        return keyColumns.stream().mapToInt(Column::index).toArray();
    }

    private String table() {
        return schema.table().quoted();
    }

    private String quote(int column) {
        return quote(schema.columns().get(column));
    }

    private static String quote(Column column) {
        return TableRef.quote(column.name());
    }
}
