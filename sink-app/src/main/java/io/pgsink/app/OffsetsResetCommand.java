package io.pgsink.app;

import io.pgsink.GroupOffsets;
import io.pgsink.ResetPlan;
import io.pgsink.ResetSpec;
import io.pgsink.config.SinkConfig;
import java.io.PrintStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pgsink offsets reset --config FILE TARGET [--topic T [--partition P]] [--execute]}: prints the plan, and
 * applies it with {@code --execute} while the group has no members.
 */
@Command(
        name = "reset",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Moves the group's offsets on the configured topics (or one topic, or one partition) to a target,"
                    + " clamped to each partition's log start and end. Prints the plan (current -> new per partition)"
                    + " and changes nothing unless --execute is given.",
            "With --execute the plan is applied only while the consumer group has no active members: to Kafka's"
                    + " committed offsets and, with delivery.guarantee=exactly-once, to the progress table.",
            "Exactly one target: --to-offset, --to-datetime, --to-earliest, --to-latest or --shift-by."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok (plan printed, or applied with --execute)",
            "1:failed, or refused because the group has active members",
            "2:bad configuration",
            "64:bad usage"
        })
final class OffsetsResetCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OffsetsCommand.Options options;

    @Option(names = "--to-offset", paramLabel = "N", description = "this offset")
    private Long toOffset;

    @Option(
            names = "--to-datetime",
            paramLabel = "ISO-8601",
            description = "the first record at or after this time, e.g. 2026-11-30T07:00:00Z (a zone or offset is"
                    + " required)")
    private String toDatetime;

    @Option(names = "--to-earliest", description = "the log start")
    private boolean toEarliest;

    @Option(names = "--to-latest", description = "the log end: skip everything not yet written")
    private boolean toLatest;

    @Option(
            names = "--shift-by",
            paramLabel = "N",
            description = "the offset a worker would start from, moved by N (negative: back)")
    private Long shiftBy;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "only this topic (one of kafka.topics)")
    private String topic;

    @Option(names = "--partition", paramLabel = "P", description = "only this partition of --topic")
    private Integer partition;

    @Option(names = "--execute", description = "apply the plan (without it, only print it)")
    private boolean execute;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    OffsetsResetCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        ResetSpec reset = resetSpec();
        return OffsetsCommand.withOffsets(
                options, environment, err, "reset", (config, offsets) -> reset(config, offsets, reset));
    }

    private int reset(SinkConfig config, GroupOffsets offsets, ResetSpec reset) {
        ResetPlan plan = offsets.plan(reset);
        out.println("group " + config.groupId() + ", delivery " + OffsetsListCommand.mode(offsets));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("TOPIC", "PARTITION", "CURRENT", "NEW", "NOTE"));
        for (ResetPlan.PartitionReset p : plan.partitions()) {
            rows.add(List.of(
                    p.topic(),
                    Integer.toString(p.partition()),
                    OffsetsListCommand.offset(p.current()),
                    Long.toString(p.next()),
                    p.note()));
        }
        TextTable.print(rows, out);
        if (!execute) {
            out.println("dry run: nothing changed; add --execute to apply");
            return Cli.EXIT_OK;
        }
        offsets.apply(plan);
        out.println("applied: " + plan.partitions().size() + " partition(s) reset in Kafka's committed offsets"
                + (plan.progressTable() == null ? "" : " and in the progress table " + plan.progressTable()));
        return Cli.EXIT_OK;
    }

    /** The target and the partitions, checked before anything is read or opened. */
    private ResetSpec resetSpec() {
        List<String> targets = new ArrayList<>();
        addIf(targets, toOffset != null, "--to-offset");
        addIf(targets, toDatetime != null, "--to-datetime");
        addIf(targets, toEarliest, "--to-earliest");
        addIf(targets, toLatest, "--to-latest");
        addIf(targets, shiftBy != null, "--shift-by");
        if (targets.isEmpty()) {
            throw usage("choose a target: one of --to-offset, --to-datetime, --to-earliest, --to-latest, --shift-by");
        }
        if (targets.size() > 1) {
            throw usage("choose one target, not " + String.join(" and ", targets));
        }
        if (partition != null && topic == null) {
            throw usage("--partition needs --topic");
        }
        if (partition != null && partition < 0) {
            throw usage("--partition must be >= 0, not " + partition);
        }
        if (toOffset != null && toOffset < 0) {
            throw usage("--to-offset must be >= 0, not " + toOffset);
        }
        ResetSpec target = target();
        if (topic == null) {
            return target;
        }
        return partition == null ? target.forTopic(topic) : target.forPartition(topic, partition);
    }

    private ResetSpec target() {
        if (toOffset != null) {
            return ResetSpec.toOffset(toOffset);
        }
        if (toDatetime != null) {
            return ResetSpec.toDatetime(instant(toDatetime));
        }
        if (shiftBy != null) {
            return ResetSpec.shiftBy(shiftBy);
        }
        return toEarliest ? ResetSpec.toEarliest() : ResetSpec.toLatest();
    }

    private Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return ZonedDateTime.parse(text).toInstant();
            } catch (DateTimeParseException again) {
                throw usage("--to-datetime: \"" + text + "\" is not an ISO-8601 date-time with a zone, such as"
                        + " 2026-11-30T07:00:00Z or 2026-11-30T08:00:00+01:00");
            }
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static void addIf(List<String> names, boolean given, String name) {
        if (given) {
            names.add(name);
        }
    }
}
