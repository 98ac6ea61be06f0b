package io.pgsink.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgsink.model.TableRef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * HikariCP pools on the shared {@link TestDatabase}, configured as the worker configures its own, and helpers
 * for the tables the write tests create (each with a fresh name, so tests never see each other's rows).
 */
public final class TestPool {

    private static final String TABLE_PREFIX =
            "w" + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + "_";
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static HikariDataSource shared;

    private TestPool() {}

    /** The pool most tests share. */
    public static synchronized HikariDataSource pool() {
        if (shared == null) {
            shared = newPool(4);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "test-pool-close"));
        }
        return shared;
    }

    /** A pool of its own, for tests that need to know which connection a session gets; close it after. */
    public static HikariDataSource newPool(int connections) {
        TestDatabase database = TestDatabase.get();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(database.user());
        config.setPassword(database.password());
        config.setMaximumPoolSize(connections);
        config.addDataSourceProperty("logServerErrorDetail", "false");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(config);
    }

    /** Creates a table with a fresh name and returns the name. */
    public static TableRef createTable(String columns) throws SQLException {
        TableRef table = new TableRef("public", TABLE_PREFIX + TABLES.incrementAndGet());
        execute(pool(), "CREATE TABLE " + table.quoted() + " (" + columns + ")");
        return table;
    }

    public static void execute(DataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public static long count(TableRef table) throws SQLException {
        try (Connection c = pool().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.quoted())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@code key} to {@code value} (SQL expressions) for every row of the table. */
    public static Map<Long, String> rows(TableRef table, String key, String value) throws SQLException {
        Map<Long, String> rows = new HashMap<>();
        try (Connection c = pool().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + key + ", " + value + " FROM " + table.quoted())) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2));
            }
        }
        return rows;
    }

    /** How many database sessions wait on a lock now, for tests that hold one. */
    public static long waitingOnALock() throws SQLException {
        try (Connection c = pool().getConnection();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
