package io.pgsink.tools.demo;

import io.pgsink.app.Cli;
import io.pgsink.app.Version;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code demo [--records N] [--keep-running]}. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Starts an embedded Kafka and PostgreSQL, publishes sample events with a few bad ones mixed in, "
                    + "sinks them with a live progress line, checks the table holds exactly the good events and shows the "
                    + "bad ones in the dead-letter topic."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the table holds exactly the good events", "1:the check or the demo failed", "64:bad usage"})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private int records = 50_000;

    @Option(
            names = "--keep-running",
            description = "leave Kafka and PostgreSQL up afterwards and print how to connect; Ctrl-C stops them")
    private boolean keepRunning;

    @Option(names = "--verbose", description = "print the stack trace of a failure")
    private boolean verbose;

    private final PrintStream out;
    private final PrintStream err;

    public DemoCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Option(names = "--records", paramLabel = "N", description = "good events to publish (default: 50000)")
    private void records(int value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), "--records must be at least 1, not " + value);
        }
        records = value;
    }

    @Override
    public Integer call() {
        try {
            boolean ok = new DemoRun(out).run(records, keepRunning);
            out.println(ok ? "demo OK" : "demo FAILED");
            return ok ? Cli.EXIT_OK : Cli.EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("demo interrupted");
            return Cli.EXIT_FAILED;
        } catch (Exception e) {
            err.println("demo failed: " + e);
            if (Cli.showStackTraces(verbose)) {
                e.printStackTrace(err);
            }
            return Cli.EXIT_FAILED;
        }
    }
}
