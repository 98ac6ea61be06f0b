package io.pgsink.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.config.SinkConfig;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class DeadLetterTopicsTest {

    private static SinkConfig config(String... extra) {
        Map<String, String> c = new java.util.HashMap<>(Map.of(
                "kafka.bootstrap.servers", "localhost:9092",
                "kafka.group.id", "g",
                "kafka.topics", "t",
                "postgres.url", "jdbc:postgresql://localhost/db",
                "table", "t"));
        for (int i = 0; i < extra.length; i += 2) {
            c.put(extra[i], extra[i + 1]);
        }
        return SinkConfig.parse(c);
    }

    @Test
    void aShortDeadLetterTimeoutKeepsTheAdminTimeoutsConsistent() {
        Map<String, Object> settings = DeadLetterTopics.adminSettings(config("deadletter.timeout.ms", "2000"), "test");

        assertThat(settings)
                .containsEntry(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000)
                .containsEntry(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
    }

    @Test
    void aLongerRequestTimeoutOfTheConsumerRaisesTheApiTimeoutToMatch() {
        Map<String, Object> settings = DeadLetterTopics.adminSettings(
                config("deadletter.timeout.ms", "2000", "kafka.consumer.request.timeout.ms", "40000"), "test");

        assertThat(settings)
                .containsEntry(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "40000")
                .containsEntry(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 40000);
    }
}
