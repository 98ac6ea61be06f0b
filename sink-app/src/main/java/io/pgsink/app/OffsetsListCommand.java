package io.pgsink.app;

import io.pgsink.GroupOffsets;
import io.pgsink.PartitionOffsets;
import io.pgsink.config.SinkConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgsink offsets list --config FILE [--json]}: where the group stands on each partition. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Lists, per partition of the configured topics: the group's committed Kafka offset; with"
                    + " delivery.guarantee=exactly-once the progress table's next offset, generation and owner; the log"
                    + " start and end offsets; the offset a worker would start from and where it comes from; and the lag"
                    + " (log end - start).",
            "Offsets that do not exist are shown as - (null in JSON)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failed (Kafka or PostgreSQL)", "2:bad configuration", "64:bad usage"})
final class OffsetsListCommand implements Callable<Integer> {

    @Mixin
    private OffsetsCommand.Options options;

    @Option(names = "--json", description = "one JSON object per partition and line instead of a table")
    private boolean json;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    OffsetsListCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        return OffsetsCommand.withOffsets(options, environment, err, "list", this::list);
    }

    private int list(SinkConfig config, GroupOffsets offsets) {
        List<PartitionOffsets> partitions = offsets.list();
        if (json) {
            partitions.forEach(p -> out.println(json(p)));
            return Cli.EXIT_OK;
        }
        out.println("group " + config.groupId() + ", delivery " + mode(offsets));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of(
                "TOPIC",
                "PARTITION",
                "COMMITTED",
                "NEXT-OFFSET",
                "GENERATION",
                "OWNER",
                "LOG-START",
                "LOG-END",
                "START",
                "FROM",
                "LAG"));
        for (PartitionOffsets p : partitions) {
            rows.add(List.of(
                    p.topic(),
                    Integer.toString(p.partition()),
                    offset(p.committed()),
                    offset(p.nextOffset()),
                    offset(p.generation()),
                    p.owner() == null ? "-" : p.owner(),
                    Long.toString(p.logStart()),
                    Long.toString(p.logEnd()),
                    offset(p.start()),
                    from(p.startFrom()),
                    offset(p.lag())));
        }
        TextTable.print(rows, out);
        return Cli.EXIT_OK;
    }

    static String mode(GroupOffsets offsets) {
        return offsets.progressTable() == null
                ? "at-least-once (Kafka's committed offsets)"
                : "exactly-once (progress table " + offsets.progressTable() + ", then Kafka's committed offsets)";
    }

    static String json(PartitionOffsets p) {
        return "{\"topic\":" + Json.string(p.topic()) + ",\"partition\":" + p.partition()
                + ",\"committed\":" + Json.offset(p.committed())
                + ",\"next_offset\":" + Json.offset(p.nextOffset())
                + ",\"generation\":" + Json.offset(p.generation())
                + ",\"owner\":" + (p.owner() == null ? "null" : Json.string(p.owner()))
                + ",\"log_start\":" + p.logStart()
                + ",\"log_end\":" + p.logEnd()
                + ",\"start\":" + Json.offset(p.start())
                + ",\"start_from\":" + Json.string(from(p.startFrom()))
                + ",\"lag\":" + Json.offset(p.lag()) + "}";
    }

    static String offset(long offset) {
        return offset < 0 ? "-" : Long.toString(offset);
    }

    /** progress-table, committed, log-start, log-end or none. */
    static String from(PartitionOffsets.StartFrom from) {
        return from.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
