package io.pgsink.worker;

import io.pgsink.SinkEvent;
import io.pgsink.consume.RecordHandler;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes records to writer lanes by partition and reports back what they finished. The poll loop's side of the
 * pipeline: every method runs on the poll thread; lanes report completions through a concurrent queue.
 */
final class Pipeline implements RecordHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final List<Lane> lanes;
    private final ConcurrentLinkedQueue<Lane.Completion> completions;
    private final long bufferMaxBytes;
    private final HealthState health;
    private final Ownership ownership;
    private final Claims claims;
    private final Events events;

    Pipeline(
            List<Lane> lanes,
            ConcurrentLinkedQueue<Lane.Completion> completions,
            long bufferMaxBytes,
            HealthState health,
            Ownership ownership,
            Claims claims,
            Events events) {
        this.events = events;
        this.lanes = List.copyOf(lanes);
        this.claims = claims;
        this.ownership = ownership;
        this.health = health;
        this.completions = completions;
        this.bufferMaxBytes = bufferMaxBytes;
    }

    @Override
    public Map<PartitionRef, Long> assigned(Collection<PartitionRef> partitions) {
        events.onEvent(new SinkEvent.Rebalanced(names(partitions), List.of(), List.of()));
        return claims.claim(partitions);
    }

    @Override
    public Map<PartitionRef, Long> takeClaimed() {
        return claims.retryDue();
    }

    @Override
    public void accept(List<SinkRecord> records) {
        for (SinkRecord record : records) {
            laneOf(record.partitionRef()).add(record);
        }
        lanes.forEach(Lane::tick);
    }

    @Override
    public Map<PartitionRef, Long> takeHandled() {
        Map<PartitionRef, Long> handled = new HashMap<>();
        for (Lane.Completion c = completions.poll(); c != null; c = completions.poll()) {
            c.lane().completed(c.batch());
            // Offsets of partitions no longer assigned are dropped by the poll loop; those that moved while the
            // batch was in flight (and may be assigned again by now) are dropped here: their records were not written.
            Set<PartitionRef> moved = c.moved();
            c.lastOffsets().forEach((p, offset) -> {
                if (!moved.contains(p)) {
                    handled.merge(p, offset, Math::max);
                }
            });
        }
        if (!handled.isEmpty()) {
            lanes.forEach(Lane::tick); // a lane that just finished may take its next batch now
        }
        return handled;
    }

    @Override
    public Set<PartitionRef> blocked(Collection<PartitionRef> assigned) {
        // While writes are retrying, fetching more only fills memory: pause until the database is back.
        if (bufferedBytes() >= bufferMaxBytes || health.retrying()) {
            return Set.copyOf(assigned);
        }
        Set<PartitionRef> unclaimed = claims.pending();
        return assigned.stream()
                .filter(p -> laneOf(p).failed(p) || unclaimed.contains(p))
                .collect(Collectors.toSet());
    }

    @Override
    public void release(Set<PartitionRef> partitions, boolean lost, Duration deadline) {
        claims.release(partitions);
        lanes.forEach(lane -> lane.discard(partitions));
        if (!lost) {
            awaitLanes(deadline);
        }
        // From here on the partitions are the next owner's: a batch of theirs still in flight must not commit.
        ownership.moved(partitions);
        events.onEvent(
                lost
                        ? new SinkEvent.Rebalanced(List.of(), List.of(), names(partitions))
                        : new SinkEvent.Rebalanced(List.of(), names(partitions), List.of()));
    }

    private static List<String> names(Collection<PartitionRef> partitions) {
        return partitions.stream()
                .map(p -> p.topic() + "-" + p.partition())
                .sorted()
                .toList();
    }

    @Override
    public void finish(Duration deadline) {
        lanes.forEach(Lane::flushAll);
        awaitLanes(deadline);
        // The final offsets are committed next and the worker leaves the group: nothing may commit after that.
        ownership.closeAll();
    }

    /** The byte budget in use now, summed over lanes. */
    long bufferedBytes() {
        return lanes.stream().mapToLong(Lane::bufferedBytes).sum();
    }

    private void awaitLanes(Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        try {
            for (Lane lane : lanes) {
                if (!lane.awaitInFlight(until)) {
                    LOG.warn("in-flight writes did not finish within {}; their offsets stay uncommitted", deadline);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Lane laneOf(PartitionRef partition) {
        return lanes.get(Math.floorMod(partition.hashCode(), lanes.size()));
    }
}
