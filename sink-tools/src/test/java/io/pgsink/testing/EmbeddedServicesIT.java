package io.pgsink.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Proves the fixture's services do what every other integration test assumes of them. */
class EmbeddedServicesIT {

    private static final int RECORDS = 100;

    private final TestServices services = TestServices.get();

    @Test
    void consumerGroupReadsEveryRecordAndCommitsOffsetsOnEveryPartition() throws Exception {
        String topic = "smoke-" + UUID.randomUUID();
        String group = "smoke-group-" + UUID.randomUUID();
        services.createTopic(topic, 4);
        Set<String> sent = produce(topic);

        Set<String> received = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(group))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60))
                    .pollInSameThread()
                    .pollInterval(Duration.ZERO)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
                        return received.size() >= RECORDS;
                    });
            // Fails with COORDINATOR_NOT_AVAILABLE if the offsets topic asks for more replicas than there are brokers.
            consumer.commitSync(Duration.ofSeconds(30));
        }

        assertThat(received).isEqualTo(sent);
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(group);
        assertThat(committed)
                .hasSize(4)
                .allSatisfy((partition, offset) -> assertThat(offset.offset()).isPositive());
        assertThat(committed.values().stream()
                        .mapToLong(OffsetAndMetadata::offset)
                        .sum())
                .isEqualTo(RECORDS);
    }

    @Test
    void postgresqlStoresRowsAndReturnsThem() throws SQLException {
        String table = "smoke_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = services.openConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create table " + table + " (id bigint primary key, payload jsonb not null)");
            try (PreparedStatement insert =
                    connection.prepareStatement("insert into " + table + " values (?, ?::jsonb)")) {
                for (int i = 0; i < RECORDS; i++) {
                    insert.setLong(1, i);
                    insert.setString(2, "{\"n\": " + i + "}");
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (ResultSet rs = statement.executeQuery("select count(*), sum((payload->>'n')::bigint) from " + table)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(RECORDS);
                assertThat(rs.getLong(2)).isEqualTo(RECORDS * (RECORDS - 1) / 2);
            }
        }
    }

    private Set<String> produce(String topic) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                services.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class);
        Set<String> values = new HashSet<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < RECORDS; i++) {
                values.add("value-" + i);
                acks.add(producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        }
        return values;
    }

    private Map<String, Object> consumerConfig(String group) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                services.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class);
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(String group) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafkaBootstrap()))) {
            return admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
        }
    }
}
