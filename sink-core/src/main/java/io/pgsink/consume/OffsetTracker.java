package io.pgsink.consume;

import io.pgsink.model.PartitionRef;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per partition, the offset to commit next: last handled offset + 1, as a contiguous watermark (batches of one
 * partition complete in order, so the highest handled offset is always contiguous). Confined to the poll thread.
 */
final class OffsetTracker {

    private final Map<TopicPartition, Long> uncommitted = new HashMap<>();

    void handled(Map<PartitionRef, Long> lastHandled, Collection<TopicPartition> assigned) {
        lastHandled.forEach((ref, offset) -> {
            TopicPartition tp = new TopicPartition(ref.topic(), ref.partition());
            if (assigned.contains(tp)) {
                uncommitted.merge(tp, offset + 1, Math::max);
            }
        });
    }

    boolean hasUncommitted() {
        return !uncommitted.isEmpty();
    }

    /** The offsets to commit now; they count as committed once taken (a failed async commit is superseded). */
    Map<TopicPartition, OffsetAndMetadata> take() {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        uncommitted.forEach((tp, next) -> commit.put(tp, new OffsetAndMetadata(next)));
        uncommitted.clear();
        return commit;
    }

    /** Puts offsets back after a failed synchronous commit, unless a newer one arrived meanwhile. */
    void restore(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> uncommitted.merge(tp, om.offset(), Math::max));
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(uncommitted::remove);
    }
}
