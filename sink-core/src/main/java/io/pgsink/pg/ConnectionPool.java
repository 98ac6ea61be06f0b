package io.pgsink.pg;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgsink.config.SinkConfig;
import io.pgsink.model.ClientHook;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;

/** The worker's HikariCP pool: one connection per writer lane plus one, configured for pgsink's needs. */
public final class ConnectionPool implements AutoCloseable {

    /**
     * How long a writer waits for a pooled connection before treating it as a transient failure. Short, so that
     * during an outage HikariCP's connection adder (which doubles its wait after each failed attempt, up to 5 s)
     * gives up while the writer waits out its retry delay, and the writer's next request starts a fresh adder that
     * tries at once; long enough to open a connection to a remote server.
     */
    private static final Duration CONNECTION_TIMEOUT = Duration.ofMillis(500);
    /** How much longer than statement_timeout the client waits on a silent socket before giving up on it. */
    private static final Duration SOCKET_GRACE = Duration.ofSeconds(30);

    private final HikariDataSource pool;
    private final ClientHook clients;

    private ConnectionPool(HikariDataSource pool, ClientHook clients) {
        this.pool = pool;
        this.clients = clients;
    }

    public static ConnectionPool open(SinkConfig config) {
        return open(config, ClientHook.NONE);
    }

    /** {@link #open(SinkConfig)}, telling {@code clients} of the pool (a HikariDataSource). */
    public static ConnectionPool open(SinkConfig config, ClientHook clients) {
        ConnectionPool opened = new ConnectionPool(new HikariDataSource(hikariConfig(config)), clients);
        clients.opened(opened.pool);
        return opened;
    }

    /**
     * A pool for the library ({@code io.pgsink.client}): {@code size} connections, each request waiting at most
     * {@code acquireTimeout} for one, server error details (which quote row values) kept out of exceptions.
     */
    public static ConnectionPool forClient(
            String url, String user, String password, int size, Duration acquireTimeout) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("pgsink-client");
        hikari.setJdbcUrl(url);
        hikari.setUsername(user);
        hikari.setPassword(password);
        hikari.setMaximumPoolSize(size);
        hikari.setMinimumIdle(0);
        hikari.setConnectionTimeout(acquireTimeout.toMillis());
        // An application may start while its database restarts: batches retry, so building the client must not
        // fail (HikariCP's default tries one connection at start and throws).
        hikari.setInitializationFailTimeout(-1);
        hikari.addDataSourceProperty("logServerErrorDetail", "false");
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        hikari.addDataSourceProperty("ApplicationName", "pgsink-client");
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        return new ConnectionPool(new HikariDataSource(hikari), ClientHook.NONE);
    }

    /** Connections in use and in the pool, for a leak check: {@code [active, idle, total]}. */
    public int[] usage() {
        var bean = pool.getHikariPoolMXBean();
        return bean == null
                ? new int[] {0, 0, 0}
                : new int[] {bean.getActiveConnections(), bean.getIdleConnections(), bean.getTotalConnections()};
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        clients.closing(pool);
        pool.close();
    }

    private static HikariConfig hikariConfig(SinkConfig config) {
        Properties overrides = new Properties();
        overrides.putAll(config.poolOverrides());
        HikariConfig hikari = new HikariConfig(overrides);
        hikari.setPoolName("pgsink");
        hikari.setJdbcUrl(config.postgresUrl());
        hikari.setUsername(config.postgresUser());
        hikari.setPassword(config.postgresPassword());
        if (!config.poolOverrides().containsKey("maximumPoolSize")) {
            // One per lane, plus room for the poll thread's partition claims and a lane resolving an unknown COMMIT.
            hikari.setMaximumPoolSize(config.writeConcurrency() + 2);
        }
        if (!config.poolOverrides().containsKey("connectionTimeout")) {
            hikari.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        }
        if (!config.poolOverrides().containsKey("minimumIdle")) {
            // With idle connections to keep, HikariCP's adder keeps trying through an outage, backing off to 5 s
            // between attempts, and may be asleep when the server is back. Without, it tries only while a writer
            // waits, starting again at 10 ms: writing resumes within about a second of the server accepting
            // connections. Each lane holds its connection while it works, so none is opened per batch.
            hikari.setMinimumIdle(0);
        }
        // An integer from validated config, not user text: safe to splice.
        hikari.setConnectionInitSql(
                "SET statement_timeout = " + config.statementTimeout().toMillis());
        // Keep row values out of exceptions: PostgreSQL's Detail line quotes the offending row.
        hikari.addDataSourceProperty("logServerErrorDetail", "false");
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        hikari.addDataSourceProperty("ApplicationName", "pgsink");
        // statement_timeout is enforced by the server; a half-open TCP connection needs a client-side bound too.
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        if (!config.statementTimeout().isZero()) {
            hikari.addDataSourceProperty(
                    "socketTimeout",
                    Long.toString(config.statementTimeout().plus(SOCKET_GRACE).toSeconds()));
        }
        return hikari;
    }
}
