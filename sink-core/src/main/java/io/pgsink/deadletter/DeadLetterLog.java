package io.pgsink.deadletter;

import io.pgsink.config.SinkConfig;
import io.pgsink.model.PartitionRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads dead-letter topics without joining a consumer group: partitions are assigned and sought, and each is read
 * up to the end offset it had when the read began, so a read ends even while workers keep adding dead letters.
 * With a group id the read starts at the group's committed offsets and {@link #commit} stores where it got to
 * (the group never has members, so Kafka accepts commits from outside it). Not thread safe.
 */
public final class DeadLetterLog implements AutoCloseable {

    /** How long a read may go without getting nearer the end offsets before it gives up. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String group;

    private DeadLetterLog(KafkaConsumer<byte[], byte[]> consumer, String group) {
        this.consumer = consumer;
        this.group = group;
    }

    /** Where to start reading each partition; -1 where not set. */
    public record Start(int partition, long fromOffset, long sinceMillis) {
        public static final Start EVERYTHING = new Start(-1, -1, -1);
    }

    /** What a read does with each record; returns false to stop before it (the record is not counted as read). */
    public interface Visitor {
        boolean visit(StoredLetter letter) throws InterruptedException;
    }

    /**
     * A reader on the worker's cluster with the consumer's connection settings.
     *
     * @param group the group whose committed offsets the read starts from and {@link #commit} writes, or null
     */
    public static DeadLetterLog open(SinkConfig config, String group) {
        Map<String, Object> settings = new HashMap<>();
        config.consumerOverrides().forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                settings.put(key, value);
            }
        });
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, group == null ? "pgsink-dlq-inspect" : group);
        if (group != null) {
            settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        try {
            return new DeadLetterLog(
                    new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer()), group);
        } catch (KafkaException e) {
            throw new IllegalStateException(
                    "cannot create a Kafka consumer for " + config.bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the topics' records from the start positions to the end offsets captured now, in offset order per
     * partition, until the visitor says stop.
     *
     * @return the next offset of each partition read: after the last record visited, or where it started
     * @throws IllegalStateException when a topic does not exist, or the read stalls
     */
    public Map<PartitionRef, Long> read(Collection<String> topics, Start start, Visitor visitor)
            throws InterruptedException {
        try {
            return readToEnd(topics, start, visitor);
        } catch (KafkaException e) {
            throw new IllegalStateException("cannot read dead-letter topic(s) " + topics + ": " + e, e);
        }
    }

    private Map<PartitionRef, Long> readToEnd(Collection<String> topics, Start start, Visitor visitor)
            throws InterruptedException {
        List<TopicPartition> partitions = partitions(topics, start.partition());
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> next = new HashMap<>();
        for (TopicPartition tp : partitions) {
            long at = startOffset(tp, start);
            consumer.seek(tp, at);
            next.put(tp, at);
        }
        Set<TopicPartition> open = new HashSet<>();
        partitions.stream().filter(tp -> next.get(tp) < end.get(tp)).forEach(open::add);
        long lastProgress = System.nanoTime();
        while (!open.isEmpty()) {
            boolean progressed = false;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (!open.contains(tp) || r.offset() >= end.get(tp)) {
                    continue;
                }
                if (!visitor.visit(letter(r))) {
                    return refs(next);
                }
                next.put(tp, r.offset() + 1);
                progressed = true;
            }
            for (TopicPartition tp : List.copyOf(open)) {
                // Transaction markers and compacted records take offsets no record carries: follow the position.
                if (Math.max(next.get(tp), consumer.position(tp)) >= end.get(tp)) {
                    next.put(tp, Math.max(next.get(tp), Math.min(consumer.position(tp), end.get(tp))));
                    open.remove(tp);
                    progressed = true;
                }
            }
            if (progressed) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException("reading " + open + " made no progress for " + STALL.toSeconds()
                        + " s; check that the brokers are reachable");
            }
        }
        return refs(next);
    }

    /** Stores these next offsets as the group's committed offsets; only for a log opened with a group. */
    public void commit(Map<PartitionRef, Long> next) {
        if (group == null) {
            throw new IllegalStateException("this dead-letter log was opened without a group");
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((p, offset) ->
                offsets.put(new TopicPartition(p.topic(), p.partition()), new OffsetAndMetadata(offset)));
        try {
            consumer.commitSync(offsets);
        } catch (KafkaException e) {
            throw new IllegalStateException("cannot commit the offsets of group " + group + ": " + e, e);
        }
    }

    private List<TopicPartition> partitions(Collection<String> topics, int only) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("dead-letter topic " + topic + " does not exist");
            }
            infos.stream()
                    .filter(p -> only < 0 || p.partition() == only)
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        if (partitions.isEmpty()) {
            throw new IllegalStateException("no partition " + only + " in dead-letter topic(s) " + topics);
        }
        return partitions;
    }

    /** The latest of: the group's committed offset, the log start, --from-offset and the first at --since. */
    private long startOffset(TopicPartition tp, Start start) {
        long at = consumer.beginningOffsets(List.of(tp)).get(tp);
        if (group != null) {
            OffsetAndMetadata committed = consumer.committed(Set.of(tp)).get(tp);
            if (committed != null) {
                at = Math.max(at, committed.offset());
            }
        }
        at = Math.max(at, start.fromOffset());
        if (start.sinceMillis() >= 0) {
            OffsetAndTimestamp since =
                    consumer.offsetsForTimes(Map.of(tp, start.sinceMillis())).get(tp);
            at = Math.max(at, since == null ? consumer.endOffsets(List.of(tp)).get(tp) : since.offset());
        }
        return at;
    }

    private static Map<PartitionRef, Long> refs(Map<TopicPartition, Long> next) {
        Map<PartitionRef, Long> refs = new HashMap<>();
        next.forEach((tp, offset) -> refs.put(new PartitionRef(tp.topic(), tp.partition()), offset));
        return refs;
    }

    private static StoredLetter letter(ConsumerRecord<byte[], byte[]> r) {
        List<StoredLetter.Header> headers = new ArrayList<>();
        r.headers().forEach(h -> headers.add(new StoredLetter.Header(h.key(), h.value())));
        return new StoredLetter(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(10));
    }
}
