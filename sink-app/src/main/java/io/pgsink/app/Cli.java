package io.pgsink.app;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What every pgsink launcher shares: the exit codes, and how a command line is parsed and run. A usage error (an
 * unknown option, a bad value, a missing one) prints one line and a hint to stderr and exits with
 * {@link #EXIT_USAGE}, before the command starts anything.
 */
public final class Cli {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_CONFIG = 2;
    /** Not 3: -XX:+ExitOnOutOfMemoryError exits with 3. */
    public static final int EXIT_START_FAILED = 4;

    public static final int EXIT_USAGE = 64;

    private Cli() {}

    /** The worker's {@code run} command, for a launcher that offers it beside commands of its own. */
    public static Object runCommand(PrintStream err) {
        return new RunCommand(System.getenv(), err);
    }

    /** Parses {@code args} for {@code commandLine} (with its subcommands added) and runs the chosen command. */
    public static int execute(CommandLine commandLine, List<String> args, PrintStream out, PrintStream err) {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setParameterExceptionHandler((e, ignored) -> usageError(e, err));
        commandLine.setExecutionExceptionHandler((e, failed, parsed) -> failure(e, failed, err));
        return commandLine.execute(args.toArray(String[]::new));
    }

    /** The one line a usage error prints, naming the command the bad option was given to. */
    public static String message(ParameterException e) {
        // An unknown option is the mistake to name first: picocli reports a missing required option before it.
        List<String> unmatched = e instanceof UnmatchedArgumentException u
                ? u.getUnmatched()
                : e.getCommandLine().getUnmatchedArguments();
        if (!unmatched.isEmpty()) {
            String first = unmatched.get(0);
            CommandSpec spec = e.getCommandLine().getCommandSpec();
            if (!first.startsWith("-") && !spec.subcommands().isEmpty()) {
                return "unknown command: " + first;
            }
            String what = first.startsWith("-") ? " option " : " argument ";
            return spec.subcommands().isEmpty() ? "unknown " + spec.name() + what + first : "unknown" + what + first;
        }
        return e.getMessage();
    }

    /** Whether to show a failure's stack trace: asked for with {@code --verbose}, or pgsink logs at DEBUG. */
    public static boolean showStackTraces(boolean verbose) {
        return verbose || LoggerFactory.getLogger("io.pgsink").isDebugEnabled();
    }

    private static int usageError(ParameterException e, PrintStream err) {
        err.println(message(e));
        err.println("see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
        return EXIT_USAGE;
    }

    /**
     * A command threw instead of returning its exit code: a usage error found by the command itself (checked before
     * it starts anything), or a bug or unforeseen failure, reported in one line.
     */
    private static int failure(Exception e, CommandLine failed, PrintStream err) {
        if (e instanceof ParameterException usage) {
            return usageError(usage, err);
        }
        err.println(failed.getCommandSpec().qualifiedName() + " failed: " + e);
        ParseResult parsed = failed.getParseResult();
        if (showStackTraces(parsed != null && parsed.hasMatchedOption("--verbose"))) {
            e.printStackTrace(err);
        }
        return EXIT_FAILED;
    }
}
