package io.pgsink.tools;

import io.pgsink.app.Cli;
import io.pgsink.app.Version;
import io.pgsink.tools.bench.BenchCommand;
import io.pgsink.tools.demo.DemoCommand;
import io.pgsink.tools.examples.ExampleCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar pgsink-tools.jar demo|bench|example|run}: the demo, the benchmark and the examples, which bring their own embedded Kafka
 * and PostgreSQL, and the worker's {@code run}, which the benchmark starts its workers with. Operators deploy
 * {@code pgsink.jar}, which carries the worker only.
 */
@Command(
        name = "pgsink-tools",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "pgsink's demo and benchmark on embedded Kafka and PostgreSQL (java -jar pgsink-tools.jar).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:failed while running",
            "2:bad configuration (run)",
            "4:could not start (run)",
            "64:bad usage"
        })
public final class ToolsMain {

    private ToolsMain() {}

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(new ToolsMain())
                .addSubcommand(new DemoCommand(out, err))
                .addSubcommand(new BenchCommand(out, err))
                .addSubcommand(new ExampleCommand(out, err))
                .addSubcommand(Cli.runCommand(err));
        return Cli.execute(commandLine, args, out, err);
    }
}
