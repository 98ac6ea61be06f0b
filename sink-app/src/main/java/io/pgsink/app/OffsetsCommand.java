package io.pgsink.app;

import io.pgsink.GroupOffsets;
import io.pgsink.OffsetsException;
import io.pgsink.config.ConfigException;
import io.pgsink.config.SinkConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pgsink offsets list|reset}: the group's offsets as the worker sees them, like Kafka's
 * {@code kafka-consumer-groups --describe / --reset-offsets}, but including the progress table of exactly-once
 * delivery.
 */
@Command(
        name = "offsets",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "Lists or resets the consumer group's offsets: Kafka's committed offsets and, with"
                    + " delivery.guarantee=exactly-once, the progress table.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:failed, or refused (the group has active members)",
            "2:bad configuration",
            "64:bad usage"
        })
final class OffsetsCommand {

    private OffsetsCommand() {}

    /** {@code offsets} with its {@code list} and {@code reset} subcommands, reading {@code environment}. */
    static CommandLine commandLine(Map<String, String> environment, PrintStream out, PrintStream err) {
        return new CommandLine(new OffsetsCommand())
                .addSubcommand(new OffsetsListCommand(environment, out, err))
                .addSubcommand(new OffsetsResetCommand(environment, out, err));
    }

    /** What both subcommands take: the worker's config file, and whether to show stack traces. */
    static final class Options {

        @Option(
                names = "--config",
                required = true,
                paramLabel = "FILE",
                description = "the workers' settings, a .properties file (the same as for run)")
        Path configFile;

        @Option(names = "--verbose", description = "print the stack trace of a failure")
        boolean verbose;
    }

    /**
     * Loads the config and opens the group's offsets, runs {@code action}, and maps failures to exit codes: a bad
     * config to {@link Cli#EXIT_CONFIG}, anything that went wrong with Kafka or PostgreSQL to {@link Cli#EXIT_FAILED}
     * with one line on {@code err}.
     */
    static int withOffsets(
            Options options, Map<String, String> environment, PrintStream err, String command, Action action) {
        SinkConfig config;
        try {
            config = ConfigLoader.load(options.configFile, environment);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return Cli.EXIT_CONFIG;
        }
        try (GroupOffsets offsets = GroupOffsets.open(config)) {
            return action.run(config, offsets);
        } catch (OffsetsException e) {
            err.println("pgsink offsets " + command + ": " + e.getMessage());
            if (Cli.showStackTraces(options.verbose)) {
                e.printStackTrace(err);
            }
            return Cli.EXIT_FAILED;
        }
    }

    /** A subcommand's work once the offsets are open. */
    interface Action {
        int run(SinkConfig config, GroupOffsets offsets);
    }
}
