package io.pgsink.consume;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.config.SinkConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class ConsumerSettingsTest {

    private static Map<String, String> properties(String... extra) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", "kafka-1:9092",
                "kafka.group.id", "orders-sink",
                "kafka.topics", "orders",
                "postgres.url", "jdbc:postgresql://db:5432/app",
                "table", "public.orders"));
        for (int i = 0; i < extra.length; i += 2) {
            properties.put(extra[i], extra[i + 1]);
        }
        return properties;
    }

    @Test
    void readsOnlyCommittedRecordsOfTransactionalProducersByDefault() {
        Map<String, Object> settings = PollLoop.consumerSettings(SinkConfig.parse(properties()), "pgsink-1");

        assertThat(settings).containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }

    @Test
    void anOperatorMayChooseToReadUncommittedRecords() {
        SinkConfig config = SinkConfig.parse(properties("kafka.consumer.isolation.level", "read_uncommitted"));

        assertThat(PollLoop.consumerSettings(config, "pgsink-1"))
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    }
}
