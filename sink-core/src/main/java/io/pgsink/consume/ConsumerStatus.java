package io.pgsink.consume;

import io.pgsink.model.PartitionRef;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * What the poll thread last saw of its consumer, readable from any thread: lag per partition, assigned and paused
 * partitions, when the loop last went round, failed offset commits.
 *
 * <p>Lag is the partition's end offset minus this worker's last committed offset (its fetch position before the
 * first commit). While a partition is fetched, the end offset comes with each fetch at no cost; a paused partition
 * gets no fetches, so its end offset is asked of the broker every few seconds, with a bounded wait, so that the lag
 * keeps rising through an outage instead of freezing when it matters most.
 */
public final class ConsumerStatus {

    private static final long END_OFFSETS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();
    /** Bounds the poll thread's wait for the broker: well inside any max.poll.interval.ms. */
    private static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(2);

    private volatile Map<PartitionRef, Long> lag = Map.of();
    private volatile boolean polled;
    private volatile int assigned;
    private volatile int paused;
    private volatile long lastPollMillis = -1;
    private final AtomicLong commitFailures = new AtomicLong();
    // poll thread only
    private final Map<TopicPartition, Long> endOffsets = new HashMap<>();
    private long endOffsetsAskedNanos;

    /** Records not yet written, per assigned partition; empty before the first poll. */
    public Map<PartitionRef, Long> lag() {
        return lag;
    }

    /** The lag summed over assigned partitions, or -1 before the first poll. */
    public long totalLag() {
        return polled ? lag.values().stream().mapToLong(Long::longValue).sum() : -1;
    }

    public int assignedPartitions() {
        return assigned;
    }

    public int pausedPartitions() {
        return paused;
    }

    /** Wall-clock millis of the poll loop's last finished iteration, or -1 before the first. */
    public long lastPollMillis() {
        return lastPollMillis;
    }

    public long offsetCommitFailures() {
        return commitFailures.get();
    }

    void commitFailed() {
        commitFailures.incrementAndGet();
    }

    /** After each poll, on the poll thread. */
    void update(Consumer<?, ?> consumer, OffsetTracker offsets) {
        Set<TopicPartition> assignment = consumer.assignment();
        Set<TopicPartition> pausedNow = consumer.paused();
        refreshEndOffsets(consumer, assignment, pausedNow);
        Map<PartitionRef, Long> now = new HashMap<>();
        for (TopicPartition tp : assignment) {
            partitionLag(consumer, offsets, tp)
                    .ifPresent(l -> now.put(new PartitionRef(tp.topic(), tp.partition()), l));
        }
        lag = Map.copyOf(now);
        assigned = assignment.size();
        paused = pausedNow.size();
        polled = true;
        lastPollMillis = System.currentTimeMillis();
    }

    private OptionalLong partitionLag(Consumer<?, ?> consumer, OffsetTracker offsets, TopicPartition tp) {
        OptionalLong position = position(consumer, tp);
        long end = endOffsets.getOrDefault(tp, -1L);
        OptionalLong fetched = consumer.currentLag(tp);
        if (position.isPresent() && fetched.isPresent()) {
            end = Math.max(end, position.getAsLong() + fetched.getAsLong());
        }
        OptionalLong committed = offsets.committed(tp);
        OptionalLong base = committed.isPresent() ? committed : position;
        if (end < 0 || base.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(0, end - base.getAsLong()));
    }

    private static OptionalLong position(Consumer<?, ?> consumer, TopicPartition tp) {
        try {
            return OptionalLong.of(consumer.position(tp, Duration.ZERO));
        } catch (KafkaException | IllegalStateException e) {
            return OptionalLong.empty(); // no position yet (a timeout at zero wait): known after the next poll
        }
    }

    /** Every few seconds, the end offsets of partitions that get no fetches (paused, or none fetched yet). */
    private void refreshEndOffsets(
            Consumer<?, ?> consumer, Set<TopicPartition> assignment, Set<TopicPartition> paused) {
        endOffsets.keySet().retainAll(assignment);
        if (System.nanoTime() - endOffsetsAskedNanos < END_OFFSETS_EVERY_NANOS) {
            return;
        }
        Set<TopicPartition> ask = new HashSet<>(paused);
        for (TopicPartition tp : assignment) {
            if (consumer.currentLag(tp).isEmpty()) {
                ask.add(tp);
            }
        }
        endOffsetsAskedNanos = System.nanoTime();
        if (ask.isEmpty()) {
            return;
        }
        try {
            endOffsets.putAll(consumer.endOffsets(ask, END_OFFSETS_TIMEOUT));
        } catch (KafkaException e) {
            // The broker did not answer in time: keep the last known end offsets, ask again in a few seconds.
        }
    }
}
