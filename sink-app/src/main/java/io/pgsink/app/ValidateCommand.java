package io.pgsink.app;

import io.pgsink.Preflight;
import io.pgsink.config.ConfigException;
import io.pgsink.config.SinkConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgsink validate --config FILE}: checks a config against the database and the cluster, changing nothing. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Checks a worker's config without starting it: the settings (as run reads them, environment included),"
                    + " the database and the table (key columns, and the unique index upsert needs), the topics and"
                    + " their partitions, the dead-letter topics (writable, or would be created), and the consumer"
                    + " group's state; then prints the plan: per route, topics -> table, mode, key and format.",
            "Creates and changes nothing."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every check passed", "1:a check failed", "2:bad configuration", "64:bad usage"})
final class ValidateCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "the worker's settings, a .properties file (the same as for run)")
    private Path configFile;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    ValidateCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws InterruptedException {
        SinkConfig config;
        try {
            config = ConfigLoader.load(configFile, environment);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return Cli.EXIT_CONFIG;
        }
        out.println("config " + configFile + ": ok");
        Preflight.Report report = Preflight.run(config);
        print(report, out);
        return report.ok() ? Cli.EXIT_OK : Cli.EXIT_FAILED;
    }

    static void print(Preflight.Report report, PrintStream out) {
        for (Preflight.Check check : report.checks()) {
            out.println((check.ok() ? "ok      " : "FAILED  ") + check.subject() + ": " + check.detail());
        }
        out.println();
        out.println("plan:");
        for (Preflight.Route route : report.plan()) {
            out.println("  route " + route.name() + ": " + String.join(", ", route.topics()) + " -> " + route.table()
                    + ", mode " + route.mode() + ", key " + route.key() + keySource(route) + ", format "
                    + route.format() + (route.deletes() ? ", deletes on" : ""));
        }
        long failed = report.checks().stream().filter(c -> !c.ok()).count();
        out.println();
        out.println(failed == 0 ? "valid" : failed + " check(s) failed");
    }

    /** The key's source when it is not the value's fields (the default, left unsaid to keep the line short). */
    private static String keySource(Preflight.Route route) {
        return route.keySource().equals("value") ? "" : " from " + route.keySource();
    }
}
