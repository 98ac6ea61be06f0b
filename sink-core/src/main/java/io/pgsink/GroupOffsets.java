package io.pgsink;

import io.pgsink.PartitionOffsets.StartFrom;
import io.pgsink.config.SinkConfig;
import io.pgsink.consume.GroupAdmin;
import io.pgsink.model.PartitionRef;
import io.pgsink.pg.ProgressEditor;
import io.pgsink.pg.ProgressStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A consumer group's offsets on the configured topics, for operators: where each partition stands, and resets
 * while the group is stopped. This is the worker's own view of where it starts, which Kafka's
 * {@code kafka-consumer-groups} tool cannot give in exactly-once mode:
 *
 * <ul>
 *   <li>With {@code delivery.guarantee=exactly-once} a worker starts a partition at the progress table's next
 *       offset when one is set, else at the group's committed Kafka offset, else at the log start.
 *   <li>With {@code at-least-once} only the committed Kafka offset counts; the progress table is not opened.
 * </ul>
 *
 * A reset writes both the committed Kafka offsets and (exactly-once) the progress table, so either guarantee and
 * lag monitoring see the same position. It is applied only while the group has no members: a running worker
 * would commit over the committed offsets, and the progress table's generation, which a reset moves on, only
 * stops its writes rather than moving it.
 *
 * <p>Every failure is an {@link OffsetsException} with a one-line message. Not thread safe; close it after use.
 */
public final class GroupOffsets implements AutoCloseable {

    /** The owner a reset writes into the progress table, so that the table says who moved a partition last. */
    static final String RESET_OWNER = "pgsink offsets reset";

    private final SinkConfig config;
    private final GroupAdmin kafka;
    private final ProgressEditor progress;

    private GroupOffsets(SinkConfig config, GroupAdmin kafka, ProgressEditor progress) {
        this.config = config;
        this.kafka = kafka;
        this.progress = progress;
    }

    /** Connects to Kafka and, with exactly-once delivery, to the progress table (created when missing). */
    public static GroupOffsets open(SinkConfig config) {
        GroupAdmin kafka;
        try {
            kafka = GroupAdmin.open(config);
        } catch (IllegalStateException e) {
            throw new OffsetsException(e.getMessage(), e);
        }
        try {
            return new GroupOffsets(config, kafka, config.exactlyOnce() ? ProgressEditor.open(config) : null);
        } catch (IllegalStateException e) {
            kafka.close();
            throw new OffsetsException(e.getMessage(), e);
        }
    }

    /** The progress table this reads and writes, or null with at-least-once delivery. */
    public String progressTable() {
        return progress == null ? null : progress.table();
    }

    /** Every partition of the configured topics, in topic and partition order. */
    public List<PartitionOffsets> list() {
        try {
            return describe(kafka.partitions(config.routing().listedTopics()));
        } catch (IllegalStateException e) {
            throw new OffsetsException(e.getMessage(), e);
        }
    }

    /** What {@code spec} would do; changes nothing. */
    public ResetPlan plan(ResetSpec spec) {
        try {
            List<PartitionOffsets> now = describe(selected(spec));
            Map<PartitionRef, Long> atTime = spec.target() == ResetSpec.Target.TO_DATETIME
                    ? kafka.firstAtOrAfter(refs(now), spec.value())
                    : Map.of();
            List<ResetPlan.PartitionReset> resets = new ArrayList<>();
            for (PartitionOffsets p : now) {
                resets.add(ResetPlanner.plan(spec, p, atTime.getOrDefault(ref(p), -1L)));
            }
            return new ResetPlan(config.groupId(), progressTable(), resets);
        } catch (IllegalStateException e) {
            throw new OffsetsException(e.getMessage(), e);
        }
    }

    /**
     * Applies a plan: first the group's committed Kafka offsets, then (exactly-once) the progress table, which
     * also moves each partition's generation on.
     *
     * @throws OffsetsException when the group has members (nothing is changed), or a write failed (the message
     *     says which part was applied; applying the same plan again is safe)
     */
    public void apply(ResetPlan plan) {
        Map<PartitionRef, Long> next = new LinkedHashMap<>();
        plan.partitions().forEach(p -> next.put(new PartitionRef(p.topic(), p.partition()), p.next()));
        if (next.isEmpty()) {
            return;
        }
        try {
            int members = kafka.members();
            // Kafka's broker also refuses offsets from outside a group with members, which closes the gap between
            // this check and the commit; the progress table is written only after that commit succeeded.
            if (members > 0 || !kafka.commit(next)) {
                throw new OffsetsException(groupActive(members));
            }
        } catch (IllegalStateException e) {
            throw new OffsetsException(e.getMessage() + "; nothing was changed", e);
        }
        if (progress != null) {
            try {
                progress.set(next, RESET_OWNER);
            } catch (IllegalStateException e) {
                throw new OffsetsException(
                        e.getMessage() + "; Kafka's committed offsets were reset but the progress table was not:"
                                + " run the same reset again",
                        e);
            }
        }
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
    }

    private String groupActive(int members) {
        String who = members > 0 ? "has " + members + " active member(s)" : "is not empty";
        return "consumer group " + config.groupId() + " " + who + ": stop every worker of the group and run the"
                + " reset again; nothing was changed";
    }

    private List<PartitionRef> selected(ResetSpec spec) {
        if (spec.topic() != null && !config.routing().listedTopics().contains(spec.topic())) {
            throw new OffsetsException("topic " + spec.topic() + " is not one of kafka.topics "
                    + config.routing().listedTopics() + "; nothing was changed");
        }
        List<PartitionRef> all =
                kafka.partitions(spec.topic() == null ? config.routing().listedTopics() : List.of(spec.topic()));
        if (spec.partition() < 0) {
            return all;
        }
        PartitionRef one = new PartitionRef(spec.topic(), spec.partition());
        if (!all.contains(one)) {
            throw new OffsetsException("topic " + spec.topic() + " has no partition " + spec.partition() + " (it has "
                    + all.size() + "); nothing was changed");
        }
        return List.of(one);
    }

    private List<PartitionOffsets> describe(List<PartitionRef> partitions) {
        Map<PartitionRef, Long> committed = kafka.committed(partitions);
        Map<PartitionRef, Long> logStart = kafka.logStart(partitions);
        Map<PartitionRef, Long> logEnd = kafka.logEnd(partitions);
        Map<PartitionRef, ProgressStore.Row> rows = progress == null ? Map.of() : progress.rows();
        List<PartitionOffsets> described = new ArrayList<>();
        for (PartitionRef p : partitions) {
            ProgressStore.Row row = rows.get(p);
            long start = logStart.get(p);
            long end = logEnd.get(p);
            long commit = committed.getOrDefault(p, -1L);
            StartFrom from;
            long at;
            if (row != null && row.nextOffset() >= 0) {
                from = StartFrom.PROGRESS_TABLE;
                at = row.nextOffset();
            } else if (commit >= 0) {
                from = StartFrom.COMMITTED;
                at = commit;
            } else {
                from = whenNothingStored();
                at = from == StartFrom.LOG_START ? start : from == StartFrom.LOG_END ? end : -1;
            }
            described.add(new PartitionOffsets(
                    p.topic(),
                    p.partition(),
                    commit,
                    row == null ? -1 : row.nextOffset(),
                    row == null ? -1 : row.generation(),
                    row == null ? null : row.owner(),
                    start,
                    end,
                    at,
                    from,
                    at < 0 ? -1 : end - at));
        }
        return described;
    }

    /** Workers read with auto.offset.reset=earliest unless kafka.consumer.auto.offset.reset says otherwise. */
    private StartFrom whenNothingStored() {
        String reset = config.consumerOverrides()
                .getOrDefault("auto.offset.reset", "earliest")
                .strip()
                .toLowerCase(Locale.ROOT);
        return switch (reset) {
            case "latest" -> StartFrom.LOG_END;
            case "none" -> StartFrom.NONE;
            default -> StartFrom.LOG_START;
        };
    }

    private static List<PartitionRef> refs(List<PartitionOffsets> partitions) {
        return partitions.stream().map(GroupOffsets::ref).toList();
    }

    private static PartitionRef ref(PartitionOffsets p) {
        return new PartitionRef(p.topic(), p.partition());
    }
}
