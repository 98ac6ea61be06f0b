package io.pgsink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigConstructorTest {

    @Test
    void constructorAppliesTheSameChecksAsParse() {
        assertThatThrownBy(() -> new SinkConfig(
                        "kafka-1:9092",
                        " ",
                        List.of(),
                        Map.of(),
                        "jdbc:postgresql://h/db",
                        null,
                        null,
                        Map.of("autoCommit", "false"),
                        "orders",
                        null,
                        List.of(),
                        UnknownFieldPolicy.IGNORE,
                        0,
                        1024,
                        Duration.ofMinutes(2),
                        1,
                        1024 * 1024,
                        Duration.ofSeconds(30),
                        WriteMethod.BATCH,
                        null,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(60),
                        Duration.ZERO,
                        0,
                        Duration.ZERO,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        "pgsink_progress",
                        "auto",
                        ErrorSettings.defaults(),
                        List.of(),
                        DeadLetterTopicSettings.defaults(),
                        null,
                        ObservabilitySettings.defaults()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly(
                                "kafka.group.id: missing; set the Kafka consumer group id, e.g. kafka.group.id=orders-sink",
                                "kafka.topics: missing; set the topics to read, e.g. kafka.topics=orders,payments",
                                "write.mode: missing; set one of insert, upsert, update, insert-if-absent",
                                "batch.max.records: \"0\" is out of range; set a whole number between 1 and 1000000",
                                "batch.linger.ms: \"120000\" is out of range; set a whole number of milliseconds between 0 "
                                        + "and 60000",
                                "postgres.pool.autoCommit: pgsink manages this setting; "
                                        + "pgsink writes each batch in one transaction it commits itself; remove it"));
    }

    @Test
    void constructorCopiesCollectionsSoTheConfigStaysImmutable() {
        List<String> topics = new ArrayList<>(List.of("orders"));
        Map<String, String> consumer = new HashMap<>(Map.of("max.poll.records", "10"));
        SinkConfig config = new SinkConfig(
                "kafka-1:9092",
                "g",
                topics,
                consumer,
                "jdbc:postgresql://h/db",
                null,
                null,
                Map.of(),
                "orders",
                WriteMode.INSERT,
                List.of(),
                UnknownFieldPolicy.IGNORE,
                10,
                1024,
                Duration.ZERO,
                1,
                1024 * 1024,
                Duration.ofSeconds(1),
                WriteMethod.COPY,
                null,
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                Duration.ZERO,
                0,
                Duration.ofMillis(250),
                DeliveryGuarantee.EXACTLY_ONCE,
                "pgsink_progress",
                "auto",
                ErrorSettings.defaults(),
                List.of(),
                DeadLetterTopicSettings.defaults(),
                null,
                ObservabilitySettings.defaults());

        topics.add("payments");
        consumer.clear();

        assertThat(config.topics()).containsExactly("orders");
        assertThat(config.consumerOverrides()).containsEntry("max.poll.records", "10");
        assertThat(config)
                .isEqualTo(SinkConfig.parse(Map.ofEntries(
                        Map.entry("kafka.bootstrap.servers", "kafka-1:9092"),
                        Map.entry("kafka.group.id", "g"),
                        Map.entry("kafka.topics", "orders"),
                        Map.entry("postgres.url", "jdbc:postgresql://h/db"),
                        Map.entry("table", "orders"),
                        Map.entry("batch.max.records", "10"),
                        Map.entry("batch.max.bytes", "1024"),
                        Map.entry("batch.linger.ms", "0"),
                        Map.entry("buffer.max.bytes", "1048576"),
                        Map.entry("shutdown.timeout.ms", "1000"),
                        Map.entry("kafka.consumer.max.poll.records", "10"))));
    }

    @Test
    void everyOptionalDefaultIsValidAndEveryKeyIsDocumented() {
        assertThat(ConfigCatalog.keys()).allSatisfy(key -> {
            List<String> problems = new ArrayList<>();
            key.parse(null, problems);
            assertThat(problems).as(key.name()).hasSize(key.required() ? 1 : 0);
            assertThat(key.doc()).as(key.name()).endsWith(".");
        });
    }
}
