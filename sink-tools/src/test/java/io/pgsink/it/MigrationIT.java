package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.testing.ChildJvm;
import io.pgsink.testing.TestServices;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The migration example's command against given servers ({@code example migration --kafka --source --target}), as
 * an operator runs it: the test kills its JVM with SIGKILL while the target fills, runs the same command again, and
 * checks the two tables itself, by count, by id and by a checksum of every row.
 */
class MigrationIT {

    private static final int ROWS = 200_000;
    private static final String CHECKSUM = "SELECT count(*), count(DISTINCT id),"
            + " coalesce(sum(hashtextextended(t::text, 0)), 0)::text FROM orders t";

    private final TestServices services = TestServices.get();

    @Test
    void aMigrationKilledMidwayResumesWithEveryRowOnceAndTheTablesEqual() throws Exception {
        String suffix = Long.toString(System.nanoTime() % 1_000_000);
        String source = createDatabase("migration_it_source_" + suffix);
        String target = createDatabase("migration_it_target_" + suffix);
        List<String> command = List.of(
                "example",
                "migration",
                "--rows",
                Integer.toString(ROWS),
                "--kafka",
                services.kafkaBootstrap(),
                "--source",
                source,
                "--target",
                target);

        long atKill = killOnceAThirdIsIn(command, target);
        try (ChildJvm run = ChildJvm.startTools(List.of("-Xmx512m"), command, Map.of())) {
            int exit = run.waitFor(Duration.ofMinutes(5));
            String output = run.output();
            assertThat(exit).as(output).isZero();
            assertThat(output)
                    .contains("source: 200,000 rows; target: ")
                    .containsPattern("publisher resumes after id [0-9,]+ \\(checkpoint table migration_checkpoint")
                    .contains("check: MATCH");
        }

        List<String> sourceSums = checksum(source);
        List<String> targetSums = checksum(target);
        assertThat(atKill).isBetween(1L, ROWS - 1L);
        assertThat(sourceSums.subList(0, 2)).containsExactly("200000", "200000");
        assertThat(targetSums).isEqualTo(sourceSums);
    }

    /** Runs the command until a third of the rows are in the target, kills it; returns the rows in after the kill. */
    private static long killOnceAThirdIsIn(List<String> command, String target) throws Exception {
        try (ChildJvm run = ChildJvm.startTools(List.of("-Xmx512m"), command, Map.of());
                Connection c = DriverManager.getConnection(target)) {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (rows(c) < ROWS / 3) {
                assertThat(run.process().isAlive()).as(run.output()).isTrue();
                assertThat(System.nanoTime()).as(run.output()).isLessThan(deadline);
                // Waits a little, or less if the run exits (which the next turn then reports).
                run.process().waitFor(50, TimeUnit.MILLISECONDS);
            }
            run.kill();
            assertThat(run.output()).doesNotContain("check: MATCH");
            return rows(c);
        }
    }

    private static long rows(Connection c) {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0; // the first run has not created the table yet
        }
    }

    private String createDatabase(String name) throws SQLException {
        try (Connection c = services.openConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        String url = services.jdbcUrl();
        int path = url.indexOf('/', "jdbc:postgresql://".length());
        int query = url.indexOf('?', path);
        return url.substring(0, path + 1) + name + "?user=" + services.dbUser() + "&password=" + services.dbPassword()
                + (query < 0 ? "" : "&" + url.substring(query + 1));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static List<String> checksum(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(CHECKSUM)) {
            rs.next();
            return List.of(rs.getString(1), rs.getString(2), rs.getString(3));
        }
    }
}
