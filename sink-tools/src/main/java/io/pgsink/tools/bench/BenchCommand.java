package io.pgsink.tools.bench;

import io.pgsink.app.Cli;
import io.pgsink.app.Version;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench [--records N] [--partitions P] [--rate R] [--only throughput|latency|library] [--observability
 * off|metrics|full] [--rows NAME,...] [--json]}: measures pgsink against a COPY ceiling and a row-by-row baseline on
 * embedded Kafka and a durable embedded PostgreSQL, and prints one report on stdout (progress goes to the log, on
 * stderr). {@code --only library} measures the library API against plain JDBC instead, on the embedded PostgreSQL
 * alone; the default run leaves it out.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Measures pgsink against a COPY ceiling and row-by-row INSERTs on embedded Kafka and a durable "
                    + "embedded PostgreSQL, and prints one report on stdout; progress goes to stderr."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every measurement ran", "1:a measurement failed", "64:bad usage"})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private int records = BenchOptions.DEFAULT_RECORDS;
    private int partitions = BenchOptions.DEFAULT_PARTITIONS;
    private int rate = BenchOptions.DEFAULT_RATE;
    private String only;
    private Observability observability = Observability.METRICS;
    private Set<String> rows = Set.of();

    @Option(names = "--json", description = "print one JSON object instead of the table")
    private boolean json;

    @Option(names = "--verbose", description = "print the stack trace of a failure")
    private boolean verbose;

    private final PrintStream out;
    private final PrintStream err;

    public BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Option(
            names = "--records",
            paramLabel = "N",
            description = "records in the backlog, 1000 to 50000000 (default: " + BenchOptions.DEFAULT_RECORDS + ")")
    private void records(String value) {
        records = number("--records", value);
    }

    @Option(
            names = "--partitions",
            paramLabel = "P",
            description = "partitions of the topics, 1 to 256 (default: " + BenchOptions.DEFAULT_PARTITIONS + ")")
    private void partitions(String value) {
        partitions = number("--partitions", value);
    }

    @Option(
            names = "--rate",
            paramLabel = "R",
            description =
                    "records/s the latency run offers, 100 to 1000000 (default: " + BenchOptions.DEFAULT_RATE + ")")
    private void rate(String value) {
        rate = number("--rate", value);
    }

    @Option(
            names = "--only",
            paramLabel = "throughput|latency|library",
            arity = "0..1",
            fallbackValue = "",
            description = "run only the throughput or only the latency measurements, or the library API against"
                    + " plain JDBC (not part of the default run)")
    private void only(String value) {
        if (!List.of("throughput", "latency", "library").contains(value)) {
            throw new ParameterException(spec.commandLine(), "--only takes throughput, latency or library");
        }
        only = value;
    }

    @Option(
            names = "--observability",
            paramLabel = "off|metrics|full",
            description = "what the throughput run's workers run with: no HTTP port, metrics or tracing; metrics"
                    + " and /health (the default); or metrics and a span per batch exported over OTLP/HTTP to a"
                    + " receiver in the bench")
    private void observability(String value) {
        try {
            observability = Observability.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Option(
            names = "--rows",
            paramLabel = "NAME,...",
            description = "run only these rows of the throughput run: pipeline rows (names as in --json's pipeline"
                    + " object, e.g. copy_adaptive_c1,debezium_c1) and the references copy_upsert_ceiling and"
                    + " row_by_row; the COPY ceiling always runs; default: all")
    private void rows(String value) {
        List<String> names = List.of(value.split(","));
        for (String name : names) {
            if (!BenchRun.rowNames().contains(name)) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--rows: no row " + name + "; rows: " + String.join(",", BenchRun.rowNames()));
            }
        }
        rows = Set.copyOf(names);
    }

    /** The options {@code args} ask for; throws with the usage sentence the command line would print. */
    static BenchOptions parse(List<String> args) {
        BenchCommand command = new BenchCommand(System.out, System.err);
        try {
            new CommandLine(command).parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            throw new IllegalArgumentException(Cli.message(e), e);
        }
        return command.options();
    }

    @Override
    public Integer call() {
        BenchOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try {
            BenchReport report = runWithStdoutOnStderr(options, err);
            if (options.json()) {
                out.println(ReportJson.render(report));
            } else {
                ReportText.print(report, out);
            }
            return Cli.EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("bench interrupted");
            return Cli.EXIT_FAILED;
        } catch (Exception e) {
            err.println("bench failed: " + e);
            if (Cli.showStackTraces(verbose)) {
                e.printStackTrace(err);
            }
            return Cli.EXIT_FAILED;
        }
    }

    private BenchOptions options() {
        return new BenchOptions(
                records,
                partitions,
                rate,
                json,
                only == null || only.equals("throughput"),
                only == null || only.equals("latency"),
                "library".equals(only),
                observability,
                rows);
    }

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

    private int number(String option, String value) {
        try {
            return Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), option + " needs a whole number, not " + value);
        }
    }
}
