package io.pgsink.tools.examples;

import io.pgsink.app.Cli;
import io.pgsink.app.Version;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code example audit-log|data-sync [--records N]}: the runnable examples under {@code examples/}. */
@Command(
        name = "example",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Runs one of the examples in examples/ on an embedded Kafka and PostgreSQL, printing its progress, the"
                    + " configuration it used, and its verification queries with their results.",
            "audit-log: an append-only audit trail keyed by Kafka coordinates in exactly-once mode; the worker is"
                    + " killed mid-stream and restarted, and no event is lost or duplicated.",
            "data-sync: a replica table kept equal to a source table from recorded Debezium change events,"
                    + " deletes included."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the example's checks held", "1:a check or the example failed", "64:bad usage"})
public final class ExampleCommand implements Callable<Integer> {

    private static final List<String> NAMES = List.of("audit-log", "data-sync");

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "audit-log or data-sync")
    private String name;

    private int records = 20_000;

    @Option(names = "--verbose", description = "print the stack trace of a failure")
    private boolean verbose;

    private final PrintStream out;
    private final PrintStream err;

    public ExampleCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Option(names = "--records", paramLabel = "N", description = "audit-log: events to publish (default: 20000)")
    private void records(int value) {
        if (value < 100) {
            throw new ParameterException(spec.commandLine(), "--records must be at least 100, not " + value);
        }
        records = value;
    }

    @Override
    public Integer call() {
        if (!NAMES.contains(name)) {
            throw new ParameterException(
                    spec.commandLine(), "unknown example '" + name + "': choose one of " + String.join(", ", NAMES));
        }
        try {
            boolean ok = run();
            out.println(ok ? "example " + name + " OK" : "example " + name + " FAILED");
            return ok ? Cli.EXIT_OK : Cli.EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("example interrupted");
            return Cli.EXIT_FAILED;
        } catch (Exception e) {
            err.println("example " + name + " failed: " + e);
            if (Cli.showStackTraces(verbose)) {
                e.printStackTrace(err);
            }
            return Cli.EXIT_FAILED;
        }
    }

    private boolean run() throws Exception {
        switch (name) {
            case "audit-log":
                return new AuditLogExample(out).run(records);
            case "data-sync":
                return new DataSyncExample(out).run();
            default:
                throw new IllegalStateException("no example " + name);
        }
    }
}
