package io.pgsink.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The PostgreSQL the tests use, started once per test JVM and stopped when it exits. The first that applies wins:
 * the server named by {@code PGSINK_TEST_JDBC_URL} (credentials from {@code PGSINK_TEST_JDBC_USER} and
 * {@code PGSINK_TEST_JDBC_PASSWORD}, both defaulting to {@code postgres}); a Testcontainers {@code postgres:16}
 * where Docker runs; otherwise zonky's embedded PostgreSQL. Tests never care which one they got.
 */
public final class TestDatabase {

    private static TestDatabase instance;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String kind;

    private TestDatabase(String jdbcUrl, String user, String password, String kind) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.kind = kind;
    }

    public static synchronized TestDatabase get() {
        if (instance == null) {
            instance = start(System.getenv());
        }
        return instance;
    }

    private static TestDatabase start(Map<String, String> env) {
        String url = env.get("PGSINK_TEST_JDBC_URL");
        if (url != null) {
            return new TestDatabase(
                    url,
                    env.getOrDefault("PGSINK_TEST_JDBC_USER", "postgres"),
                    env.getOrDefault("PGSINK_TEST_JDBC_PASSWORD", "postgres"),
                    "external PostgreSQL");
        }
        return Docker.available() ? startContainer() : startEmbedded();
    }

    private static TestDatabase startContainer() {
        PostgreSQLContainer<?> pg =
                new PostgreSQLContainer<>("postgres:16").withCommand("postgres", "-c", "max_connections=200");
        // Testcontainers' reaper removes the container when the JVM exits.
        pg.start();
        return new TestDatabase(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword(), "Testcontainers PostgreSQL");
    }

    private static TestDatabase startEmbedded() {
        try {
            // As root, zonky runs initdb and pg_ctl under `unshare -U`, because PostgreSQL refuses to run as root.
            // It also registers the shutdown hook that stops the server and deletes its data directory.
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "200")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
            return new TestDatabase(url, "postgres", "postgres", "embedded PostgreSQL");
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded PostgreSQL did not start", e);
        }
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public Connection openConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Which kind of server this is, for test logs: external, Testcontainers or embedded. */
    public String kindDescription() {
        return kind;
    }
}
