package io.pgsink.consume;

import io.pgsink.model.PartitionRef;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per partition, the offset to commit next: last handled offset + 1, as a contiguous watermark (batches of one
 * partition complete in order, so the highest handled offset is always contiguous). Confined to the poll thread.
 */
final class OffsetTracker {

    private final Map<TopicPartition, Long> uncommitted = new HashMap<>();
    /** The highest offset handed to a commit so far, per partition: a failed older commit must not undercut it. */
    private final Map<TopicPartition, Long> highestTaken = new HashMap<>();

    void handled(Map<PartitionRef, Long> lastHandled, Collection<TopicPartition> assigned) {
        lastHandled.forEach((ref, offset) -> {
            TopicPartition tp = new TopicPartition(ref.topic(), ref.partition());
            if (assigned.contains(tp)) {
                uncommitted.merge(tp, offset + 1, Math::max);
            }
        });
    }

    /** The partition starts at {@code next}, an offset stored elsewhere: commit it unless a later one comes first. */
    void stored(TopicPartition tp, long next) {
        uncommitted.merge(tp, next, Math::max);
    }

    boolean hasUncommitted() {
        return !uncommitted.isEmpty();
    }

    /** The offsets to commit now; they count as committed once taken (a failed async commit is superseded). */
    Map<TopicPartition, OffsetAndMetadata> take() {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        uncommitted.forEach((tp, next) -> {
            commit.put(tp, new OffsetAndMetadata(next));
            highestTaken.merge(tp, next, Math::max);
        });
        uncommitted.clear();
        return commit;
    }

    /**
     * Puts offsets of a failed commit back, to go with the next one: only for partitions still assigned, and only
     * where no newer offset has been handed to a commit since (that one supersedes it).
     */
    void restore(Map<TopicPartition, OffsetAndMetadata> offsets, Collection<TopicPartition> assigned) {
        offsets.forEach((tp, om) -> {
            if (assigned.contains(tp) && om.offset() >= highestTaken.getOrDefault(tp, 0L)) {
                uncommitted.merge(tp, om.offset(), Math::max);
            }
        });
    }

    /** The offset last handed to a commit for the partition, if any: where its unwritten records start. */
    OptionalLong committed(TopicPartition tp) {
        Long taken = highestTaken.get(tp);
        return taken == null ? OptionalLong.empty() : OptionalLong.of(taken);
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> {
            uncommitted.remove(tp);
            highestTaken.remove(tp);
        });
    }
}
