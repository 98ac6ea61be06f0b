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

/** {@code example audit-log|data-sync|etl|migration [options]}: the runnable examples under {@code examples/}. */
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
                    + " deletes included.",
            "etl: a CSV file of bike-share trips read, typed and checked, published and loaded by a worker; malformed"
                    + " lines and rows the table refuses are counted in the summary, the latter in the dead-letter topic.",
            "migration: a table of --rows rows moved from one database to another through Kafka by keyset pages and"
                    + " a worker that upserts by primary key; the run is killed midway and resumed, and a final check"
                    + " compares row counts and checksums. With --kafka, --source and --target it runs once against"
                    + " those servers instead, resuming whatever an earlier run left."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the example's checks held", "1:a check or the example failed", "64:bad usage"})
public final class ExampleCommand implements Callable<Integer> {

    private static final List<String> NAMES = List.of("audit-log", "data-sync", "etl", "migration");

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "audit-log, data-sync, etl or migration")
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

    private long rows = 1_000_000;

    @Option(names = "--rows", paramLabel = "N", description = "migration: rows in the source table (default: 1000000)")
    private void rows(long value) {
        if (value < 1000) {
            throw new ParameterException(spec.commandLine(), "--rows must be at least 1000, not " + value);
        }
        rows = value;
    }

    private int killAtPercent = 40;

    @Option(
            names = "--kill-at",
            paramLabel = "PERCENT",
            description = "migration: kill the first run once this share of the rows is in the target; 0: no kill"
                    + " (default: 40)")
    private void killAt(int value) {
        if (value < 0 || value > 99) {
            throw new ParameterException(spec.commandLine(), "--kill-at must be 0 to 99, not " + value);
        }
        killAtPercent = value;
    }

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = "migration: run once against this Kafka")
    private String kafka;

    @Option(names = "--source", paramLabel = "JDBC-URL", description = "migration: the source database")
    private String source;

    @Option(names = "--target", paramLabel = "JDBC-URL", description = "migration: the target database")
    private String target;

    @Option(names = "--file", paramLabel = "CSV", description = "etl: the trips file (default: the one shipped)")
    private String file;

    @Override
    public Integer call() {
        if (!NAMES.contains(name)) {
            throw new ParameterException(
                    spec.commandLine(), "unknown example '" + name + "': choose one of " + String.join(", ", NAMES));
        }
        int servers = (kafka == null ? 0 : 1) + (source == null ? 0 : 1) + (target == null ? 0 : 1);
        if (servers != 0 && (servers != 3 || !"migration".equals(name))) {
            throw new ParameterException(
                    spec.commandLine(), "--kafka, --source and --target go together, with the migration example only");
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
            case "etl":
                return new EtlExample(out).run(file);
            case "migration":
                return kafka == null
                        ? new MigrationExample(out).run(rows, killAtPercent)
                        : new Migration(out).run(kafka, source, target, rows);
            default:
                throw new IllegalStateException("no example " + name);
        }
    }
}
