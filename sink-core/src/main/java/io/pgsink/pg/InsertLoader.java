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

/** {@link WriteMethod#BATCH}: one JDBC batch of parameterised INSERT (or upsert) statements per column set. */
final class InsertLoader implements Loader {

    private final Connection connection;
    private final SqlTemplates templates;

    InsertLoader(Connection connection, SqlTemplates templates) {
        this.connection = connection;
        this.templates = templates;
    }

    @Override
    public void prepare(Set<BitSet> columnSets) {
        // Statements are self-contained; nothing to set up.
    }

    @Override
    public List<RecordOutcome> write(BitSet columns, List<Row> rows, boolean firstWrite, List<PendingResult> open)
            throws SQLException {
        PreparedStatement ps = connection.prepareStatement(templates.insert(columns));
        open.add(ps::close);
        for (Row row : rows) {
            bind(ps, columns, row);
            ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        List<RecordOutcome> outcomes = new ArrayList<>(counts.length);
        for (int i = 0; i < counts.length; i++) {
            // SUCCESS_NO_INFO (-2) with reWriteBatchedInserts: the row was written, its count is unknown.
            outcomes.add(new RecordOutcome(rows.get(i).index(), Math.max(counts[i], 0)));
        }
        return outcomes;
    }

    private static void bind(PreparedStatement ps, BitSet columns, Row row) throws SQLException {
        int parameter = 1;
        for (int i = columns.nextSetBit(0); i >= 0; i = columns.nextSetBit(i + 1)) {
            // Types.OTHER sends the text untyped, so PostgreSQL parses it as the column's own type.
            ps.setObject(parameter++, row.values()[i], Types.OTHER);
        }
    }
}
