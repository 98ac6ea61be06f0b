package io.pgsink.tools.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The row-by-row baseline: what a naive sink does, one autocommitted {@code INSERT} per record through JDBC (a
 * server-side prepared statement, text parameters cast by the server), on a sample of the rows.
 */
final class RowByRow {

    private static final String TABLE = "bench_row_by_row";

    private final BenchDatabase database;

    RowByRow(BenchDatabase database) {
        this.database = database;
    }

    Measurement measure(int rows) throws SQLException {
        database.freshTable(TABLE);
        Instant now = Instant.now();
        BenchData.Event[] events = new BenchData.Event[rows];
        for (int id = 0; id < rows; id++) {
            events[id] = BenchData.event(id, now);
        }
        String sql = "INSERT INTO " + TABLE + " (" + BenchData.COLUMNS + ")"
                + " VALUES (?, ?, ?::numeric, ?::timestamptz, ?::jsonb, ?::timestamptz)";
        long elapsed;
        try (Connection connection = database.connect();
                PreparedStatement insert = connection.prepareStatement(sql)) {
            long start = System.nanoTime();
            for (BenchData.Event e : events) {
                insert.setLong(1, e.id());
                insert.setString(2, e.account());
                insert.setString(3, e.amount());
                insert.setString(4, e.at());
                insert.setString(5, e.payload());
                insert.setString(6, e.sentAt());
                insert.executeUpdate();
            }
            elapsed = System.nanoTime() - start;
        }
        long written = database.count(TABLE);
        database.drop(TABLE);
        return new Measurement(
                "row_by_row",
                String.format("row-by-row INSERT, autocommit (sample of %,d)", rows),
                written,
                elapsed / 1e9,
                -1,
                null);
    }
}
