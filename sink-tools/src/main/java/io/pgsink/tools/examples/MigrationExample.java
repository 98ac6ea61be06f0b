package io.pgsink.tools.examples;

import io.pgsink.tools.embedded.EmbeddedKafka;
import io.pgsink.tools.embedded.EmbeddedPostgresServer;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The migration example in one command: an embedded PostgreSQL with two databases and an embedded Kafka; the
 * migration runs in a JVM of its own, is killed (SIGKILL) once part of the table is in the target, and is run again,
 * which resumes it and ends with the final check.
 */
final class MigrationExample {

    static final String SOURCE_DB = "migration_source";
    static final String TARGET_DB = "migration_target";
    private static final long RUN_TIMEOUT_MINUTES = 30;

    private final PrintStream out;

    MigrationExample(PrintStream out) {
        this.out = out;
    }

    boolean run(long rows, int killAtPercent) throws Exception {
        out.println("starting embedded PostgreSQL and Kafka (a few seconds)...");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(false);
                EmbeddedKafka kafka = EmbeddedKafka.start()) {
            createDatabases(pg);
            String source = url(pg, SOURCE_DB);
            String target = url(pg, TARGET_DB);
            out.printf("databases %s and %s on one PostgreSQL server%n", SOURCE_DB, TARGET_DB);
            List<String> command = List.of(
                    "example",
                    "migration",
                    "--rows",
                    Long.toString(rows),
                    "--kafka",
                    kafka.bootstrapServers(),
                    "--source",
                    source,
                    "--target",
                    target);
            out.println("the migration command (run by this example twice, in a JVM of its own):");
            out.println("  java -jar pgsink-tools.jar example migration --rows " + rows + " --kafka "
                    + kafka.bootstrapServers() + " --source " + Migration.redact(source) + " --target "
                    + Migration.redact(target));
            long started = System.nanoTime();
            if (killAtPercent > 0) {
                killMidway(command, target, rows * killAtPercent / 100);
            }
            boolean ok = resume(command);
            out.printf("migration of %,d rows took %.1f s in all%n", rows, (System.nanoTime() - started) / 1e9);
            return ok;
        }
    }

    static String url(EmbeddedPostgresServer pg, String database) {
        return "jdbc:postgresql://localhost:" + pg.port() + "/" + database + "?user=" + pg.user() + "&password="
                + pg.password();
    }

    private static void createDatabases(EmbeddedPostgresServer pg) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + SOURCE_DB);
            st.execute("CREATE DATABASE " + TARGET_DB);
        }
    }

    private void killMidway(List<String> command, String target, long killAt) throws Exception {
        try (ToolsJvm run = ToolsJvm.start(command, out, "[run 1] ");
                Connection c = DriverManager.getConnection(target)) {
            out.printf("run 1 started (pid %d); it is killed once %,d rows are in the target%n", run.pid(), killAt);
            long rows = 0;
            while (run.isAlive() && rows < killAt) {
                Thread.sleep(200);
                rows = targetRows(c);
            }
            if (!run.isAlive()) {
                out.println("note: run 1 ended before the kill landed; run 2 then has nothing to redo");
                return;
            }
            run.kill();
            out.printf("run 1 KILLED (SIGKILL) with %,d rows in the target at that moment%n", rows);
        }
    }

    /** The target's rows; 0 while the first run has not created the table yet. */
    private static long targetRows(Connection c) {
        try {
            return Queries.countQuietly(c, "SELECT count(*) FROM " + MigrationTables.TABLE);
        } catch (SQLException e) {
            return 0;
        }
    }

    private boolean resume(List<String> command) throws Exception {
        try (ToolsJvm run = ToolsJvm.start(command, out, "[run 2] ")) {
            out.printf("run 2 started (pid %d): the same command again%n", run.pid());
            int exit = run.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            out.println("run 2 exited with code " + exit);
            return exit == 0;
        }
    }
}
