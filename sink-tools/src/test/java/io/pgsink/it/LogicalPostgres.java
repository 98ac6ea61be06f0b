package io.pgsink.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A zonky PostgreSQL with {@code wal_level=logical}, started once per JVM: the source database of the Debezium
 * tests, since the test PostgreSQL that {@code TestServices} chooses may not allow logical replication. A sink under
 * test can write into it too ({@link #jdbcUrl()}), so that {@link #differences} compares source and target tables in
 * one query.
 */
final class LogicalPostgres {

    private static LogicalPostgres instance;

    private final EmbeddedPostgres postgres;

    private LogicalPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static synchronized LogicalPostgres get() {
        if (instance == null) {
            try {
                // zonky registers a shutdown hook that stops the server and deletes its data directory.
                instance = new LogicalPostgres(EmbeddedPostgres.builder()
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setServerConfig("wal_level", "logical")
                        .setServerConfig("max_replication_slots", "10")
                        .setServerConfig("max_wal_senders", "10")
                        .start());
            } catch (IOException e) {
                throw new UncheckedIOException("the logical-replication PostgreSQL did not start", e);
            }
        }
        return instance;
    }

    int port() {
        return postgres.getPort();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/postgres";
    }

    String user() {
        return "postgres";
    }

    String password() {
        return "postgres";
    }

    Connection openConnection() throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl(), user(), password());
        try (Statement st = c.createStatement()) {
            // Rows are compared and recorded as text, which for timestamptz depends on the session's time zone.
            st.execute("SET TIME ZONE 'UTC'");
        }
        return c;
    }

    /** Runs the statements in one transaction. */
    void execute(List<String> statements) throws SQLException {
        try (Connection c = openConnection();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                st.execute(sql);
            }
            c.commit();
        }
    }

    /**
     * The table's rows as {@code row_to_json} text (timestamps in UTC), ordered by {@code orderBy}: what a test
     * asserts on or records. Column names and values, in the table's column order.
     */
    List<String> rows(String table, String orderBy) throws SQLException {
        return strings("SELECT row_to_json(t)::text FROM " + table + " t ORDER BY " + orderBy);
    }

    /**
     * The rows in which two tables differ, value for value, empty when they hold the same rows. Each row is compared
     * as the text of its columns, taken by the names of {@code source}'s columns (so JSON whitespace, array
     * elements and timestamps to the microsecond count, and a target column of an equivalent type or in another
     * position still compares), {@code EXCEPT ALL} both ways. Numerics compare by value ({@code trim_scale}):
     * Debezium sends an unconstrained {@code numeric} without its trailing zeros ({@code 1.50} arrives as
     * {@code 1.5}), so no sink can keep them. Lines read {@code only in <table>: (v1,v2,...)}; both tables must be in
     * this database.
     */
    List<String> differences(String source, String target) throws SQLException {
        String row = "ROW(" + String.join(", ", comparedColumns(source)) + ")::text";
        String onlyIn = "SELECT %s || r FROM (SELECT %s r FROM %s EXCEPT ALL SELECT %s FROM %s) x";
        return strings(String.format(onlyIn, quote("only in " + source + ": "), row, source, row, target)
                + " UNION ALL "
                + String.format(onlyIn, quote("only in " + target + ": "), row, target, row, source));
    }

    private List<String> comparedColumns(String table) throws SQLException {
        return strings("SELECT CASE WHEN atttypid = 'numeric'::regtype THEN 'trim_scale(' || quote_ident(attname)"
                + " || ')' ELSE quote_ident(attname) END FROM pg_attribute WHERE attrelid = " + quote(table)
                + "::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
    }

    private static String quote(String literal) {
        return "'" + literal.replace("'", "''") + "'";
    }

    private List<String> strings(String query) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Connection c = openConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }
}
