package io.pgsink.app;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar pgsink.jar run|offsets|validate|dlq ...}: the worker's launcher, and the operator's commands.
 */
@Command(
        name = "pgsink",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Moves JSON records from Kafka topics into a PostgreSQL table.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok", "1:failed while running (a fatal error stopped writing)", "2:bad configuration",
            "4:could not start (database or table)", "64:bad usage", "143:stopped by SIGTERM"
        })
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(new Main())
                .addSubcommand(Cli.runCommand(err))
                .addSubcommand(OffsetsCommand.commandLine(System.getenv(), out, err))
                .addSubcommand(new ValidateCommand(System.getenv(), out, err))
                .addSubcommand(DlqCommand.commandLine(System.getenv(), out, err));
        return Cli.execute(commandLine, args, out, err);
    }
}
