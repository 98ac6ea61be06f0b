package io.pgsink.pg;

import io.pgsink.config.WriteMethod;
import io.pgsink.decode.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * {@link WriteMethod#BATCH}: one JDBC batch of parameterised statements per column set: INSERT, upsert,
 * insert-if-absent or UPDATE by the write mode; deletes as a batch of {@code DELETE ... WHERE key = ?}. pgjdbc
 * rewrites only INSERTs, so an UPDATE's count per row is exact and tells a missing row.
 */
final class InsertLoader implements Loader {

    private final Connection connection;
    private final SqlTemplates templates;

    InsertLoader(Connection connection, SqlTemplates templates) {
        this.connection = connection;
        this.templates = templates;
    }

    @Override
    public void prepare(Set<BitSet> columnSets, boolean deletes) {
        // Statements are self-contained; nothing to set up.
    }

    @Override
    public List<RecordOutcome> write(BitSet columns, List<Row> rows, boolean firstWrite, List<PendingResult> open)
            throws SQLException {
        return run(templates.statement(columns), rows, templates.updates(), open);
    }

    @Override
    public List<RecordOutcome> delete(List<Row> rows, List<PendingResult> open) throws SQLException {
        return run(templates.delete(), rows, false, open);
    }

    private List<RecordOutcome> run(
            SqlTemplates.BatchSql sql, List<Row> rows, boolean countsMissing, List<PendingResult> open)
            throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql.sql());
        open.add(ps::close);
        for (Row row : rows) {
            bind(ps, sql.parameters(), row);
            ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        List<RecordOutcome> outcomes = new ArrayList<>(counts.length);
        for (int i = 0; i < counts.length; i++) {
            // SUCCESS_NO_INFO (-2) with reWriteBatchedInserts: the row was written, its count is unknown.
            int count = Math.max(counts[i], 0);
            outcomes.add(new RecordOutcome(rows.get(i).index(), count, countsMissing && count == 0));
        }
        return outcomes;
    }

    private static void bind(PreparedStatement ps, int[] columns, Row row) throws SQLException {
        for (int p = 0; p < columns.length; p++) {
            // Types.OTHER sends the text untyped, so PostgreSQL parses it as the column's own type.
            ps.setObject(p + 1, row.values()[columns[p]], Types.OTHER);
        }
    }
}
