package io.pgsink.it;

import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A durable PostgreSQL of one test's own (zonky's binaries, {@code fsync} and {@code synchronous_commit} on) that the
 * test can crash the hard way, as a power cut or the OOM killer would, and start again on the same port and data
 * directory, where it runs crash recovery from its WAL.
 *
 * <p>A crash is SIGKILL to the postmaster and every process under it: no shutdown checkpoint, no goodbye to
 * clients, whatever sat in shared memory is gone. The crash returns once the processes are gone (reaped), since a
 * new postmaster refuses a data directory whose lock file names a process that still exists. Autovacuum is off, so
 * that no transaction the test did not cause runs while it reasons about transaction ids.
 *
 * <p>Not thread safe: crash and restart run one after the other (the restart may be on another thread, after the
 * crash returned). Linux only, like zonky's handling of root (PostgreSQL runs under {@code unshare -U} then).
 */
final class CrashablePostgres implements AutoCloseable {

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final Path dataDirectory;
    private volatile EmbeddedPostgres server;
    private final int port;

    private CrashablePostgres(Path dataDirectory, EmbeddedPostgres server) {
        this.dataDirectory = dataDirectory;
        this.server = server;
        this.port = server.getPort();
    }

    static CrashablePostgres start() throws IOException {
        Path dataDirectory = Files.createTempDirectory("pgsink-crashable-pg");
        return new CrashablePostgres(dataDirectory, builder(dataDirectory, 0).start());
    }

    private static EmbeddedPostgres.Builder builder(Path dataDirectory, int port) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                // Kept across a crash; close() deletes it.
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(STARTUP_WAIT)
                .setServerConfig("max_connections", "50")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("autovacuum", "off");
    }

    int port() {
        return port;
    }

    /** The URL of a database on this server; it stays the same across restarts. */
    String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    String user() {
        return "postgres";
    }

    String password() {
        return "postgres";
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user(), password());
    }

    void execute(String database, String sql) throws SQLException {
        try (Connection c = connect(database);
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Kills the postmaster and all its processes with SIGKILL and returns once they are gone. */
    void crash() {
        long pid = postmasterPid();
        ProcessHandle postmaster = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException("no postmaster with the pid in postmaster.pid: " + pid));
        // Listed before the postmaster dies: its orphans are adopted by init and are no longer its descendants.
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        // The postmaster first, so that it does not see a child die and start a recovery cycle of its own.
        postmaster.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        all.add(postmaster);
        await("the killed PostgreSQL processes to be gone")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> all.stream().noneMatch(ProcessHandle::isAlive));
        // Releases zonky's lock on the data directory. Its "pg_ctl stop" fails (nothing runs) and zonky logs that.
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server again after a {@link #crash}: same port, same data directory; it recovers from its WAL. */
    void restart() {
        try {
            server = builder(dataDirectory, port).start();
        } catch (IOException e) {
            throw new UncheckedIOException("the crashed PostgreSQL did not start again", e);
        }
    }

    private long postmasterPid() {
        try (Stream<String> lines = Files.lines(dataDirectory.resolve("postmaster.pid"))) {
            return Long.parseLong(lines.findFirst().orElseThrow().trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read postmaster.pid", e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
