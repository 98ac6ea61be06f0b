package io.pgsink.pg;

import io.pgsink.model.TableRef;
import io.pgsink.schema.SchemaException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the DDL of schema evolution (opt-in per route): creates a missing table, adds a nullable column. Each
 * statement runs on its own in autocommit and is logged at INFO before it runs (identifiers and types only, never
 * a value). A concurrent creation by another worker is no failure; a missing privilege is reported naming the
 * privilege, as a {@link SchemaException} the caller turns into a stopped route.
 */
final class SchemaEvolution {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaEvolution.class);
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    // A CREATE ... IF NOT EXISTS that races another can still meet the other's catalog row.
    private static final String DUPLICATE_TABLE = "42P07";
    private static final String DUPLICATE_OBJECT = "42710";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String DUPLICATE_COLUMN = "42701";

    private SchemaEvolution() {}

    /** Whether the table exists (is visible to this user). */
    static boolean exists(DataSource dataSource, TableRef table) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Creates the table unless it exists; see {@link TableDdl#createTable}. */
    static void createTable(DataSource dataSource, TableRef table, List<ColumnDefinition> columns, List<String> key)
            throws SQLException {
        String sql = TableDdl.createTable(table, columns, key);
        run(dataSource, sql, "CREATE on schema " + TableRef.quote(table.schema()), DUPLICATE_TABLE);
    }

    /** Adds the column, nullable, unless it exists. */
    static void addColumn(DataSource dataSource, TableRef table, ColumnDefinition column) throws SQLException {
        String sql = TableDdl.addColumn(table, column);
        run(dataSource, sql, "ownership of table " + table.quoted(), DUPLICATE_COLUMN);
    }

    private static void run(DataSource dataSource, String sql, String privilege, String concurrent)
            throws SQLException {
        LOG.info("schema evolution: {}", sql);
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            statement.execute(sql);
        } catch (SQLException e) {
            String state = FailureDescription.of(e).sqlState();
            if (concurrent.equals(state) || DUPLICATE_OBJECT.equals(state) || UNIQUE_VIOLATION.equals(state)) {
                LOG.info("schema evolution: already done by another session (SQLSTATE {})", state);
                return;
            }
            if (INSUFFICIENT_PRIVILEGE.equals(state)) {
                throw new SchemaException("schema evolution needs " + privilege + " (SQLSTATE 42501 on: " + sql
                        + "): grant it to the worker's database user, or create the table or column yourself");
            }
            throw e;
        }
    }
}
