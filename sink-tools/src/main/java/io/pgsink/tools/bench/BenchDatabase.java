package io.pgsink.tools.bench;

import io.pgsink.tools.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.postgresql.PGConnection;

/** The durable embedded PostgreSQL the benchmark writes to, and the few statements it runs around measurements. */
final class BenchDatabase implements AutoCloseable {

    private final EmbeddedPostgresServer server;

    private BenchDatabase(EmbeddedPostgresServer server) {
        this.server = server;
    }

    /** fsync, synchronous_commit and full_page_writes on: every figure describes a database that survives a crash. */
    static BenchDatabase start() {
        return new BenchDatabase(EmbeddedPostgresServer.start(true));
    }

    EmbeddedPostgresServer server() {
        return server;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
    }

    /**
     * Drops and creates {@code table}, then checkpoints, so a measurement neither inherits the previous one's dirty
     * pages nor pays for its checkpoint.
     */
    void freshTable(String table) throws SQLException {
        execute("DROP TABLE IF EXISTS " + table, BenchData.createTable(table), "CHECKPOINT");
    }

    void drop(String table) throws SQLException {
        execute("DROP TABLE IF EXISTS " + table);
    }

    long count(String table) throws SQLException {
        return queryLong("SELECT count(*) FROM " + table);
    }

    /** A table's row count and a checksum of its rows' values (all columns but written_at), both from PostgreSQL. */
    record Contents(long rows, String checksum) {}

    /**
     * Count and checksum of {@code table}: the md5 of its rows' md5s in id order, each over the row's values as
     * PostgreSQL prints them, so a table of the same column types holding the same values gives the same figure.
     */
    Contents contents(String table) throws SQLException {
        String sql = "SELECT count(*), coalesce(md5(string_agg(md5(concat_ws('|', "
                + BenchData.COLUMNS.replace(", ", "::text, ")
                + "::text)), '' ORDER BY id)), '') FROM " + table;
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new Contents(rs.getLong(1), rs.getString(2));
        }
    }

    /** Creates {@code table} and copies {@code rows} into it: what a measurement's table must equal. */
    void load(String table, Consumer<Consumer<BenchData.Event>> rows) throws SQLException, IOException {
        freshTable(table);
        StringBuilder text = new StringBuilder();
        rows.accept(e -> e.appendCopyLine(text));
        try (Connection c = connect()) {
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "COPY " + table + " (" + BenchData.COLUMNS + ") FROM STDIN",
                            new StringReader(text.toString()));
        }
    }

    String version() throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Rows counted and their {@code written_at - sent_at} percentiles, in milliseconds. */
    record Percentiles(long rows, double p50, double p99, double max) {}

    /** The latency percentiles over the rows with {@code id >= fromId}, computed by PostgreSQL. */
    Percentiles latencyMillis(String table, long fromId) throws SQLException {
        String ms = "extract(epoch FROM written_at - sent_at) * 1000";
        String sql = "SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY " + ms + "),"
                + " percentile_cont(0.99) WITHIN GROUP (ORDER BY " + ms + "), max(" + ms + ")"
                + " FROM " + table + " WHERE id >= " + fromId;
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new Percentiles(rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4));
        }
    }

    /**
     * The slowest moments among the rows with {@code id >= fromId}: the {@code limit} 100 ms windows of sending
     * with the highest latency, as text for the log, so a p99 can be traced to when it happened.
     */
    List<String> slowestWindows(String table, long fromId, int limit) throws SQLException {
        String sql = "SELECT to_char(w, 'HH24:MI:SS.MS'), count(*), round(max(ms)), round(min(ms))"
                + " FROM (SELECT date_bin('100 milliseconds', sent_at, TIMESTAMPTZ '2000-01-01') AS w,"
                + " extract(epoch FROM written_at - sent_at) * 1000 AS ms FROM " + table + " WHERE id >= " + fromId
                + ") x GROUP BY w ORDER BY max(ms) DESC LIMIT " + limit;
        List<String> windows = new ArrayList<>();
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                windows.add(String.format(
                        "sent %s: %d rows, latency %s to %s ms",
                        rs.getString(1), rs.getLong(2), rs.getString(4), rs.getString(3)));
            }
        }
        return windows;
    }

    private long queryLong(String sql) throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void execute(String... statements) throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
