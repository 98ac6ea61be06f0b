package io.pgsink;

import java.time.Instant;
import java.util.Objects;

/**
 * What an operator asks {@link GroupOffsets#plan} for: one target, for every partition of the configured topics,
 * for one topic, or for one partition of one topic. Build it with the static factories, then narrow it.
 *
 * @param value the offset ({@link Target#TO_OFFSET}), the shift ({@link Target#SHIFT_BY}) or the epoch
 *     milliseconds ({@link Target#TO_DATETIME}); 0 otherwise
 * @param topic the one topic to reset, or null for every configured topic
 * @param partition the one partition of {@code topic} to reset, or -1 for all
 */
public record ResetSpec(Target target, long value, String topic, int partition) {

    /** Where to move each partition's offset; every target is clamped to the log's start and end. */
    public enum Target {
        TO_OFFSET,
        /** the first record with a timestamp at or after the time, or the log end when none is that recent */
        TO_DATETIME,
        TO_EARLIEST,
        TO_LATEST,
        /** the offset a worker would start from, moved by the value (negative: back) */
        SHIFT_BY
    }

    public ResetSpec {
        Objects.requireNonNull(target, "target");
        if (target == Target.TO_OFFSET && value < 0) {
            throw new IllegalArgumentException("the offset must be >= 0: " + value);
        }
        if (partition < -1) {
            throw new IllegalArgumentException("the partition must be >= 0: " + partition);
        }
        if (partition >= 0 && topic == null) {
            throw new IllegalArgumentException("a partition needs its topic");
        }
    }

    public static ResetSpec toOffset(long offset) {
        return new ResetSpec(Target.TO_OFFSET, offset, null, -1);
    }

    public static ResetSpec toDatetime(Instant time) {
        return new ResetSpec(Target.TO_DATETIME, time.toEpochMilli(), null, -1);
    }

    public static ResetSpec toEarliest() {
        return new ResetSpec(Target.TO_EARLIEST, 0, null, -1);
    }

    public static ResetSpec toLatest() {
        return new ResetSpec(Target.TO_LATEST, 0, null, -1);
    }

    public static ResetSpec shiftBy(long shift) {
        return new ResetSpec(Target.SHIFT_BY, shift, null, -1);
    }

    /** This target, for every partition of one topic only. */
    public ResetSpec forTopic(String onlyTopic) {
        return new ResetSpec(target, value, Objects.requireNonNull(onlyTopic, "topic"), -1);
    }

    /** This target, for one partition of one topic only. */
    public ResetSpec forPartition(String onlyTopic, int onlyPartition) {
        return new ResetSpec(target, value, Objects.requireNonNull(onlyTopic, "topic"), onlyPartition);
    }
}
