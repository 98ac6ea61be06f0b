package io.pgsink.tools.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server from binaries shipped in a Maven jar (zonky). For the demo, the benchmark and tests.
 * zonky turns fsync and synchronous_commit off for speed; {@code durable} turns them back on, so that benchmark
 * figures describe a database that survives a power cut.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedPostgresServer start(boolean durable) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                // zonky's default of 10 s is too tight for a first start on a busy two-core machine.
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "200");
        if (durable) {
            builder.setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on");
        }
        try {
            return new EmbeddedPostgresServer(builder.start());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the embedded PostgreSQL did not start: " + e.getMessage() + rootHint(), e);
        }
    }

    /**
     * PostgreSQL refuses to run as root. zonky then runs it in a user namespace ({@code unshare -U}), which some
     * containers forbid; say so, because zonky's own error only names the failed command.
     */
    private static String rootHint() {
        boolean root = "root".equals(System.getProperty("user.name"));
        return root && !LinuxUtils.isUnshareAvailable()
                ? " (running as root, and `unshare -U` is not usable here: run as an unprivileged user instead)"
                : "";
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    public String password() {
        return "postgres";
    }

    public int port() {
        return postgres.getPort();
    }

    public DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
