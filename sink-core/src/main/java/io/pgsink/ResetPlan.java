package io.pgsink;

import java.util.List;

/**
 * What {@link GroupOffsets#apply} will do: per partition, the offset a worker would start from now and the one it
 * will start from after the reset. Made by {@link GroupOffsets#plan}; applying it changes nothing else.
 *
 * @param group the consumer group
 * @param progressTable the progress table the plan also writes (exactly-once), or null (at-least-once)
 */
public record ResetPlan(String group, String progressTable, List<PartitionReset> partitions) {

    public ResetPlan {
        partitions = List.copyOf(partitions);
    }

    /**
     * One partition's reset.
     *
     * @param current the offset a worker would start from now, -1 when none
     * @param next the offset it will start from after the reset
     * @param note why {@code next} is not what was asked for (clamped to the log), or empty
     */
    public record PartitionReset(String topic, int partition, long current, long next, String note) {}
}
