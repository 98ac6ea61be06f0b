package io.pgsink.app.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code pgsink bench [--records N] [--partitions P] [--rate R] [--json]}: measures pgsink against a COPY ceiling
 * and a row-by-row baseline on embedded Kafka and a durable embedded PostgreSQL, and prints one report on stdout
 * (progress goes to the log, on stderr).
 */
public final class BenchCommand {

    private BenchCommand() {}

    /**
     * Kafka's test kit prints to {@code System.out} while it formats its storage; the report must be alone on
     * stdout, so everything else printed there goes to stderr until the measurements are done.
     */
    private static BenchReport runWithStdoutOnStderr(BenchOptions options, PrintStream err) throws Exception {
        PrintStream stdout = System.out;
        System.setOut(err);
        try {
            return new BenchRun(options).run();
        } finally {
            System.setOut(stdout);
        }
    }

    /** Returns the process exit code: 0 when every measurement ran, 1 when one failed, 64 for bad options. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 64;
        }
        try {
            BenchReport report = runWithStdoutOnStderr(options, err);
            if (options.json()) {
                out.println(ReportJson.render(report));
            } else {
                ReportText.print(report, out);
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("bench interrupted");
            return 1;
        } catch (Exception e) {
            err.println("bench failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }
}
