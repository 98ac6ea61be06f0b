package io.pgsink.app;

import io.pgsink.app.bench.BenchCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** {@code java -jar pgsink.jar <command>}: run, demo or bench. */
public final class Main {

    static final int EXIT_FAILED = 1;
    static final int EXIT_CONFIG = 2;
    /** Not 3: -XX:+ExitOnOutOfMemoryError exits with 3. */
    static final int EXIT_START_FAILED = 4;

    static final int EXIT_USAGE = 64;

    private static final String USAGE = String.join(
            "\n",
            "usage: java -jar pgsink.jar <command> [options]",
            "",
            "commands:",
            "  run --config FILE      run a worker until SIGTERM/SIGINT; any key can be overridden by an",
            "                         environment variable PGSINK_<KEY> (dots and dashes as underscores)",
            "  demo [--records N] [--keep-running]",
            "                         start an embedded Kafka and PostgreSQL, publish sample events, sink them",
            "                         and check the table holds exactly what was published",
            "  bench [--records N] [--partitions P] [--rate R] [--only throughput|latency] [--json]",
            "                         measure pgsink against a COPY ceiling and row-by-row INSERTs on embedded Kafka",
            "                         and a durable embedded PostgreSQL (defaults: 1000000 records, 8 partitions,",
            "                         20000 records/s for latency); --json prints one JSON object",
            "",
            "exit codes: 0 ok, 1 failed while running (a fatal error stopped writing), 2 bad configuration,",
            "            4 could not start (database or table), 64 bad usage; 143 after SIGTERM");

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            (args.isEmpty() ? err : out).println(USAGE);
            return args.isEmpty() ? EXIT_USAGE : 0;
        }
        List<String> options = args.subList(1, args.size());
        switch (args.get(0)) {
            case "run":
                int at = options.indexOf("--config");
                if (at < 0 || at + 1 >= options.size()) {
                    err.println("run needs --config FILE\n\n" + USAGE);
                    return EXIT_USAGE;
                }
                return RunCommand.run(Path.of(options.get(at + 1)), System.getenv(), err);
            case "demo":
                return DemoCommand.run(options, out, err);
            case "bench":
                return BenchCommand.run(options, out, err);
            default:
                err.println("unknown command: " + args.get(0) + "\n\n" + USAGE);
                return EXIT_USAGE;
        }
    }
}
