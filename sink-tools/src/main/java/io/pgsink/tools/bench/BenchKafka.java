package io.pgsink.tools.bench;

import io.pgsink.tools.embedded.EmbeddedKafka;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The embedded broker, seen through what the benchmark needs: topics, a backlog, and a group's progress. */
final class BenchKafka implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final Admin admin;

    private BenchKafka(EmbeddedKafka kafka) {
        this.kafka = kafka;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    static BenchKafka start() {
        return new BenchKafka(EmbeddedKafka.start());
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    void createTopic(String topic, int partitions) {
        kafka.createTopic(topic, partitions);
    }

    /** A producer as an application would configure one; {@code lingerMs} trades latency for batching. */
    KafkaProducer<byte[], byte[]> producer(int lingerMs) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers(),
                        ProducerConfig.LINGER_MS_CONFIG,
                        lingerMs,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        256 * 1024,
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /**
     * A producer that keeps each partition's records in order without the idempotent producer's sequence numbers:
     * one request in flight per connection. Right after a topic is created the broker may still refuse a partition
     * (NOT_LEADER_OR_FOLLOWER) while its metadata already names it the leader; on a loaded machine the idempotent
     * producer was seen to turn that into an endless OUT_OF_ORDER_SEQUENCE_NUMBER retry loop, where this one simply
     * retries.
     */
    KafkaProducer<byte[], byte[]> orderedProducer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers(),
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        256 * 1024,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        false,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        1),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /**
     * Publishes events with ids 0 to records - 1, keyed by account, and waits until all are acknowledged; returns
     * their keys' and values' bytes.
     */
    long publishBacklog(String topic, int records) {
        Instant now = Instant.now();
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer(5)) {
            for (long id = 0; id < records; id++) {
                BenchData.Event event = BenchData.event(id, now);
                byte[] key = event.key();
                byte[] value = event.json();
                bytes += key.length + value.length;
                producer.send(new ProducerRecord<>(topic, key, value));
            }
            producer.flush();
        }
        return bytes;
    }

    /** The sum of the topic's end offsets: how many records a group must commit to have read them all. */
    long endOffsets(String topic) {
        List<TopicPartition> partitions =
                get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
        Map<TopicPartition, OffsetSpec> latest =
                partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        return get(admin.listOffsets(latest).all()).values().stream()
                .mapToLong(r -> r.offset())
                .sum();
    }

    /** The sum of the group's committed offsets; 0 before its first commit. */
    long committed(String group) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        return offsets.values().stream()
                .filter(o -> o != null)
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
    }

    /** How many partitions the group's members hold now; 0 before the group exists. */
    int assignedPartitions(String group) {
        ConsumerGroupDescription description;
        try {
            description =
                    get(admin.describeConsumerGroups(List.of(group)).all()).get(group);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw e;
        }
        return description.members().stream()
                .mapToInt(m -> m.assignment().topicPartitions().size())
                .sum();
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the broker", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the broker refused a request: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() throws Exception {
        admin.close();
        kafka.close();
    }
}
