package io.pgsink;

import io.pgsink.config.Route;
import io.pgsink.config.SinkConfig;
import io.pgsink.deadletter.DeadLetterHeaders;
import io.pgsink.deadletter.DeadLetterLog;
import io.pgsink.deadletter.DeadLetterReplay;
import io.pgsink.deadletter.StoredLetter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The dead-letter topics of a worker's settings, for operators: read them ({@link #inspect}) and send selected
 * dead letters back to their original topic once the cause is fixed ({@link #replay}). Reads never join a consumer
 * group and stop at the end offsets the topics had when they began. Failures are {@link IllegalStateException}s
 * with one line an operator can act on.
 */
public final class DeadLetterQueue {

    private DeadLetterQueue() {}

    /** What {@link #replay} does besides reading: whether it sends anything, and where. */
    public record ReplayOptions(boolean dryRun, String toTopic, String group) {

        /** The replay group of a worker group: {@code <group.id>.dlq-replay}. */
        public static String defaultGroup(SinkConfig config) {
            return config.groupId() + ".dlq-replay";
        }
    }

    /** Told of each dead letter replayed (or, in a dry run, that would be) and of each committed step. */
    public interface ReplayListener {
        void replaying(DeadLetter letter, String target);

        void committed(long replayedSoFar);
    }

    /** What a replay did: dead letters read, replayed, and selected but not replayable (their value was omitted). */
    public record ReplayResult(long read, long replayed, long valueOmitted) {}

    /**
     * The dead-letter topics of every route, each once, in the order of the routes and their listed topics: each
     * listed topic's, and a pattern route's own deadletter.topic (the topics it will match are not known yet).
     */
    public static List<String> topics(SinkConfig config) {
        Set<String> topics = new LinkedHashSet<>();
        for (Route route : config.routes()) {
            route.topics().forEach(topic -> topics.add(route.deadLetterTopicFor(topic)));
            if (route.topicPattern() != null && route.deadLetterTopic() != null) {
                topics.add(route.deadLetterTopic());
            }
        }
        return List.copyOf(topics);
    }

    /** Hands each selected dead letter to {@code each}, in offset order per partition. */
    public static void inspect(SinkConfig config, DeadLetterSelection selection, Consumer<DeadLetter> each)
            throws InterruptedException {
        long[] selected = {0};
        try (DeadLetterLog log = DeadLetterLog.open(config, null)) {
            log.read(topics(config, selection), start(selection), stored -> {
                if (selection.limit() >= 0 && selected[0] >= selection.limit()) {
                    return false;
                }
                DeadLetter letter = of(stored);
                if (selection.matches(letter)) {
                    selected[0]++;
                    each.accept(letter);
                }
                return true;
            });
        }
    }

    /**
     * Sends the selected dead letters back to their original topic and partition (or {@code toTopic}), with their
     * key, value and own headers, plus {@code pgsink.replayed-from}; commits the replay group's position after
     * each acknowledged step, so a second replay sends nothing twice. A dry run sends and commits nothing.
     */
    public static ReplayResult replay(
            SinkConfig config, DeadLetterSelection selection, ReplayOptions options, ReplayListener listener)
            throws InterruptedException {
        DeadLetterReplay.Plan plan = new DeadLetterReplay.Plan(
                topics(config, selection),
                start(selection),
                stored -> selection.matches(of(stored)),
                selection.limit(),
                options.dryRun(),
                options.toTopic());
        try (DeadLetterReplay replay = DeadLetterReplay.open(config, options.group())) {
            DeadLetterReplay.Summary summary = replay.run(plan, new DeadLetterReplay.Progress() {
                @Override
                public void selected(StoredLetter letter, String target) {
                    listener.replaying(of(letter), target);
                }

                @Override
                public void committed(long replayed) {
                    listener.committed(replayed);
                }
            });
            return new ReplayResult(summary.read(), summary.replayed(), summary.valueOmitted());
        }
    }

    private static List<String> topics(SinkConfig config, DeadLetterSelection selection) {
        return selection.topics().isEmpty() ? topics(config) : selection.topics();
    }

    private static DeadLetterLog.Start start(DeadLetterSelection s) {
        return new DeadLetterLog.Start(
                s.partition(),
                s.fromOffset(),
                s.since() == null ? -1 : s.since().toEpochMilli());
    }

    static DeadLetter of(StoredLetter stored) {
        Map<String, String> error = new LinkedHashMap<>();
        List<String> own = new ArrayList<>();
        for (StoredLetter.Header h : stored.headers()) {
            if (h.key().startsWith(DeadLetterHeaders.PREFIX)) {
                error.put(h.key().substring(DeadLetterHeaders.PREFIX.length()), stored.header(h.key()));
            } else {
                own.add(h.key());
            }
        }
        return new DeadLetter(
                stored.topic(),
                stored.partition(),
                stored.offset(),
                stored.timestamp(),
                error,
                own,
                stored.key(),
                stored.value());
    }
}
