package io.pgsink.app;

import io.pgsink.DeadLetterSelection;
import io.pgsink.config.ConfigException;
import io.pgsink.config.SinkConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code pgsink dlq inspect|replay}: the dead-letter topics, looked at and re-driven after a fix. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Lists dead letters, or sends them back to their original topic once the cause is fixed.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failed (Kafka)", "2:bad configuration", "64:bad usage"})
final class DlqCommand {

    private DlqCommand() {}

    static CommandLine commandLine(Map<String, String> environment, PrintStream out, PrintStream err) {
        return new CommandLine(new DlqCommand())
                .addSubcommand(new DlqInspectCommand(environment, out, err))
                .addSubcommand(new DlqReplayCommand(environment, out, err));
    }

    /** The options both subcommands take: the config, where to read and which dead letters to select. */
    static final class Selection {

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "the worker's settings")
        Path configFile;

        @Option(
                names = "--topic",
                paramLabel = "TOPIC",
                description = "a dead-letter topic to read (repeatable); default: those of kafka.topics")
        List<String> topics = List.of();

        @Option(names = "--kind", paramLabel = "KIND", description = "only this failure kind, e.g. POISON")
        String kind;

        @Option(
                names = "--sqlstate",
                paramLabel = "CODE",
                description = "only this SQLSTATE, or a class of two characters (23 for every 23xxx)")
        String sqlState;

        @Option(names = "--partition", paramLabel = "P", description = "only this partition of the dead-letter topic")
        Integer partition;

        @Option(
                names = "--from-offset",
                paramLabel = "O",
                description = "start at this offset of each dead-letter partition read")
        Long fromOffset;

        @Option(
                names = "--since",
                paramLabel = "TIME",
                description = "only dead letters written at or after this time, ISO-8601, e.g. 2026-11-30T07:00:00Z")
        String since;

        @Option(names = "--limit", paramLabel = "N", description = "at most this many dead letters")
        Long limit;

        @Option(names = "--verbose", description = "print the stack trace of a failure")
        boolean verbose;

        /** The selection these options describe; a malformed value is a usage error naming its option. */
        DeadLetterSelection toSelection(CommandSpec spec) {
            if (partition != null && partition < 0) {
                throw new ParameterException(spec.commandLine(), "--partition must be 0 or more");
            }
            if (fromOffset != null && fromOffset < 0) {
                throw new ParameterException(spec.commandLine(), "--from-offset must be 0 or more");
            }
            if (limit != null && limit < 1) {
                throw new ParameterException(spec.commandLine(), "--limit must be 1 or more");
            }
            if (sqlState != null && !sqlState.matches("[0-9A-Za-z]{2}|[0-9A-Za-z]{5}")) {
                throw new ParameterException(
                        spec.commandLine(), "--sqlstate must be a SQLSTATE (5 characters) or a class (2)");
            }
            return new DeadLetterSelection(
                    topics,
                    partition == null ? -1 : partition,
                    fromOffset == null ? -1 : fromOffset,
                    since == null ? null : instant(spec),
                    kind,
                    sqlState,
                    limit == null ? -1 : limit);
        }

        private Instant instant(CommandSpec spec) {
            try {
                return OffsetDateTime.parse(since).toInstant();
            } catch (DateTimeParseException e) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--since " + since + " is not an ISO-8601 time with an offset, e.g. 2026-11-30T07:00:00Z");
            }
        }
    }

    /** Loads the config: null after printing the problems, for {@link Cli#EXIT_CONFIG}. */
    static SinkConfig config(Path file, Map<String, String> environment, PrintStream err) {
        try {
            return ConfigLoader.load(file, environment);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return null;
        }
    }

    /** A Kafka failure, in one line (and its stack trace with --verbose). */
    static int failed(String command, RuntimeException e, boolean verbose, PrintStream err) {
        err.println("pgsink dlq " + command + ": " + e.getMessage());
        if (Cli.showStackTraces(verbose)) {
            e.printStackTrace(err);
        }
        return Cli.EXIT_FAILED;
    }
}
