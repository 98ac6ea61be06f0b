package io.pgsink.tools.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * What a program without pgsink writes the library benchmark's rows with: one {@code INSERT} per row (committed per
 * row, or every {@value #PER_COMMIT} rows), or JDBC batches of {@value #PER_COMMIT} rewritten into multi-row
 * inserts by the driver ({@code reWriteBatchedInserts=true}), one transaction each.
 */
final class JdbcLoads {

    static final int PER_COMMIT = 1_000;
    private static final String INSERT =
            "INSERT INTO " + LibraryRows.TABLE + " (" + LibraryRows.COLUMNS + ")" + " VALUES (?, ?, ?, ?, ?::jsonb, ?)";

    private final BenchDatabase database;

    JdbcLoads(BenchDatabase database) {
        this.database = database;
    }

    /** One {@code INSERT} per row; with {@code autocommit} each is its own transaction, else one per 1,000. */
    void loop(int rows, boolean autocommit) throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement insert = connection.prepareStatement(INSERT)) {
            connection.setAutoCommit(autocommit);
            for (int id = 0; id < rows; id++) {
                bind(insert, LibraryRows.order(id));
                insert.executeUpdate();
                if (!autocommit && ((id + 1) % PER_COMMIT == 0 || id == rows - 1)) {
                    connection.commit();
                }
            }
        }
    }

    /** {@code addBatch} per row, {@code executeBatch} and commit per 1,000, rewritten into multi-row inserts. */
    void batch(int rows) throws SQLException {
        String url = database.server().jdbcUrl();
        url += (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        try (Connection connection = DriverManager.getConnection(
                        url, database.server().user(), database.server().password());
                PreparedStatement insert = connection.prepareStatement(INSERT)) {
            connection.setAutoCommit(false);
            for (int id = 0; id < rows; id++) {
                bind(insert, LibraryRows.order(id));
                insert.addBatch();
                if ((id + 1) % PER_COMMIT == 0 || id == rows - 1) {
                    insert.executeBatch();
                    connection.commit();
                }
            }
        }
    }

    private static void bind(PreparedStatement insert, LibraryRows.Order order) throws SQLException {
        insert.setLong(1, order.id());
        insert.setString(2, order.account());
        insert.setBigDecimal(3, order.amount());
        insert.setObject(4, order.at());
        insert.setString(5, order.payloadJson());
        insert.setObject(6, order.ref());
    }
}
