package io.pgsink.app;

import io.pgsink.DeadLetter;
import io.pgsink.DeadLetterQueue;
import io.pgsink.DeadLetterSelection;
import io.pgsink.config.SinkConfig;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgsink dlq replay --config FILE [filters] [--dry-run] [--to-topic T] [--group G]}. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Sends the selected dead letters back to their original topic and partition, with their original key,"
                    + " value and headers (without pgsink.error.*) plus pgsink.replayed-from, so that the workers"
                    + " write them like any record. Run it once the cause is fixed.",
            "Its own consumer group (default <kafka.group.id>.dlq-replay) remembers how far replays have read: its"
                    + " offsets are committed after the records sent are acknowledged, so a second run sends nothing"
                    + " twice. Dead letters a filter passes over are read past too: replay them with another --group.",
            "--dry-run lists what would be sent, and sends and commits nothing."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failed (Kafka)", "2:bad configuration", "64:bad usage"})
final class DlqReplayCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private DlqCommand.Selection selection;

    @Option(names = "--dry-run", description = "list what would be replayed; send and commit nothing")
    private boolean dryRun;

    @Option(
            names = "--to-topic",
            paramLabel = "TOPIC",
            description = "send to this topic instead of each record's original topic")
    private String toTopic;

    @Option(
            names = "--group",
            paramLabel = "GROUP",
            description = "the replay's consumer group; default <kafka.group.id>.dlq-replay")
    private String group;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    DlqReplayCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws InterruptedException {
        DeadLetterSelection selected = selection.toSelection(spec);
        SinkConfig config = DlqCommand.config(selection.configFile, environment, err);
        if (config == null) {
            return Cli.EXIT_CONFIG;
        }
        String replayGroup = group == null ? DeadLetterQueue.ReplayOptions.defaultGroup(config) : group;
        out.println((dryRun ? "dry run: " : "") + "replaying with group " + replayGroup);
        DeadLetterQueue.ReplayResult result;
        try {
            result = DeadLetterQueue.replay(
                    config, selected, new DeadLetterQueue.ReplayOptions(dryRun, toTopic, replayGroup), listener());
        } catch (IllegalStateException e) {
            return DlqCommand.failed("replay", e, selection.verbose, err);
        }
        out.println((dryRun ? "dry run: would replay " : "replayed ") + result.replayed() + " of " + result.read()
                + " dead letter(s) read"
                + (result.valueOmitted() > 0
                        ? "; " + result.valueOmitted() + " selected without a value (value.omitted) were skipped:"
                                + " read them from their source coordinates"
                        : "")
                + (dryRun ? "; nothing sent or committed" : ""));
        return Cli.EXIT_OK;
    }

    private DeadLetterQueue.ReplayListener listener() {
        return new DeadLetterQueue.ReplayListener() {
            @Override
            public void replaying(DeadLetter letter, String target) {
                out.println((dryRun ? "would replay " : "replaying ") + letter.topic() + "-" + letter.partition()
                        + "@" + letter.offset() + " (" + letter.kind() + ", SQLSTATE "
                        + (letter.sqlState() == null ? "-" : letter.sqlState()) + ") -> " + target);
            }

            @Override
            public void committed(long replayedSoFar) {
                if (!dryRun) {
                    out.println("acknowledged and committed: " + replayedSoFar + " replayed so far");
                }
            }
        };
    }
}
