package io.pgsink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

    static Map<String, String> minimal() {
        Map<String, String> properties = new HashMap<>();
        properties.put("kafka.bootstrap.servers", "kafka-1:9092");
        properties.put("kafka.group.id", "orders-sink");
        properties.put("kafka.topics", "orders");
        properties.put("postgres.url", "jdbc:postgresql://db:5432/app");
        properties.put("table", "public.orders");
        return properties;
    }

    static Map<String, String> minimalWith(String... keysAndValues) {
        Map<String, String> properties = minimal();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    static List<String> problemsOf(Map<String, String> properties) {
        try {
            SinkConfig.parse(properties);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected a ConfigException for " + properties);
    }

    @Test
    void minimalConfigParsesWithDefaults() {
        SinkConfig config = SinkConfig.parse(minimal());

        assertThat(config.bootstrapServers()).isEqualTo("kafka-1:9092");
        assertThat(config.groupId()).isEqualTo("orders-sink");
        assertThat(config.topics()).containsExactly("orders");
        assertThat(config.postgresUrl()).isEqualTo("jdbc:postgresql://db:5432/app");
        assertThat(config.postgresUser()).isNull();
        assertThat(config.postgresPassword()).isNull();
        assertThat(config.table()).isEqualTo("public.orders");
        assertThat(config.writeMode()).isEqualTo(WriteMode.INSERT);
        assertThat(config.keyColumns()).isEmpty();
        assertThat(config.unknownFields()).isEqualTo(UnknownFieldPolicy.IGNORE);
        assertThat(config.batchMaxRecords()).isEqualTo(20000);
        assertThat(config.batchMaxBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(config.batchLinger()).isEqualTo(Duration.ofMillis(20));
        assertThat(config.writeConcurrency()).isEqualTo(1);
        assertThat(config.bufferMaxBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.consumerOverrides()).isEmpty();
        assertThat(config.poolOverrides()).isEmpty();
    }

    @Test
    void parsesEveryKeyTrimmingValuesAndListItems() {
        SinkConfig config = SinkConfig.parse(minimalWith(
                "kafka.topics",
                " orders , payments ",
                "postgres.user",
                " sink ",
                "postgres.password",
                "s3cret",
                "table",
                "orders",
                "write.mode",
                "UPSERT",
                "key.columns",
                "tenant_id, order_id",
                "input.unknown.fields",
                "reject",
                "batch.max.records",
                "100",
                "batch.max.bytes",
                "1048576",
                "batch.linger.ms",
                "0",
                "write.concurrency",
                "4",
                "buffer.max.bytes",
                "2097152",
                "shutdown.timeout.ms",
                "1000"));

        assertThat(config.topics()).containsExactly("orders", "payments");
        assertThat(config.postgresUser()).isEqualTo("sink");
        assertThat(config.postgresPassword()).isEqualTo("s3cret");
        assertThat(config.table()).isEqualTo("orders");
        assertThat(config.writeMode()).isEqualTo(WriteMode.UPSERT);
        assertThat(config.keyColumns()).containsExactly("tenant_id", "order_id");
        assertThat(config.unknownFields()).isEqualTo(UnknownFieldPolicy.REJECT);
        assertThat(config.batchMaxRecords()).isEqualTo(100);
        assertThat(config.batchMaxBytes()).isEqualTo(1_048_576L);
        assertThat(config.batchLinger()).isEqualTo(Duration.ZERO);
        assertThat(config.writeConcurrency()).isEqualTo(4);
        assertThat(config.bufferMaxBytes()).isEqualTo(2_097_152L);
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void reportsEveryMissingRequiredKeyInOneException() {
        assertThatThrownBy(() -> SinkConfig.parse(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid pgsink configuration (5 problems):\n- kafka.bootstrap.servers: ")
                .hasMessageContaining("\n- kafka.group.id: missing; set the Kafka consumer group id, "
                        + "e.g. kafka.group.id=orders-sink")
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly(
                                "kafka.bootstrap.servers: missing; set the Kafka brokers to connect to, "
                                        + "e.g. kafka.bootstrap.servers=kafka-1:9092,kafka-2:9092",
                                "kafka.group.id: missing; set the Kafka consumer group id, e.g. kafka.group.id=orders-sink",
                                "kafka.topics: missing; set the topics to read, e.g. kafka.topics=orders,payments",
                                "postgres.url: missing; set the PostgreSQL JDBC URL, "
                                        + "e.g. postgres.url=jdbc:postgresql://db:5432/app",
                                "table: missing; set the target table, e.g. table=public.orders"));
    }

    @Test
    void blankRequiredValueCountsAsMissing() {
        assertThat(problemsOf(minimalWith("kafka.group.id", "   ")))
                .containsExactly("kafka.group.id: missing; set the Kafka consumer group id, "
                        + "e.g. kafka.group.id=orders-sink");
    }

    @Test
    void rejectsNonIntegerWithTheValidRange() {
        assertThatThrownBy(() -> SinkConfig.parse(minimalWith("batch.max.records", "abc")))
                .hasMessage("Invalid pgsink configuration (1 problem):\n"
                        + "- batch.max.records: \"abc\" is not an integer; set a whole number between 1 and 1000000");
    }

    @Test
    void rejectsOutOfRangeValuesInsteadOfClampingThem() {
        assertThat(problemsOf(minimalWith(
                        "batch.max.records",
                        "0",
                        "write.concurrency",
                        "65",
                        "batch.linger.ms",
                        "-1",
                        "batch.max.bytes",
                        "99999999999999999999")))
                .containsExactly(
                        "batch.max.records: \"0\" is out of range; set a whole number between 1 and 1000000",
                        "batch.max.bytes: \"99999999999999999999\" is out of range; set a whole number of bytes "
                                + "between 1024 (1 KiB) and 1073741824 (1 GiB)",
                        "batch.linger.ms: \"-1\" is out of range; set a whole number of milliseconds between 0 "
                                + "and 60000",
                        "write.concurrency: \"65\" is out of range; set a whole number between 1 and 64");
    }

    @Test
    void rejectsUnknownWriteModeListingTheChoices() {
        assertThat(problemsOf(minimalWith("write.mode", "merge")))
                .containsExactly("write.mode: \"merge\" is not one of insert, upsert, update, insert-if-absent");
    }

    @Test
    void upsertWithoutKeyColumnsIsAllowedSoThePrimaryKeyIsUsed() {
        SinkConfig config = SinkConfig.parse(minimalWith("write.mode", "upsert"));

        assertThat(config.writeMode()).isEqualTo(WriteMode.UPSERT);
        assertThat(config.keyColumns()).isEmpty();
    }

    @Test
    void rejectsMalformedTextAndListValues() {
        assertThat(problemsOf(minimalWith(
                        "kafka.bootstrap.servers",
                        "kafka-1",
                        "kafka.topics",
                        "orders,,payments",
                        "table",
                        "a.b.c",
                        "key.columns",
                        "id,id")))
                .containsExactly(
                        "kafka.bootstrap.servers: \"kafka-1\" is not host:port pairs, comma separated; "
                                + "list the brokers like kafka-1:9092,kafka-2:9092",
                        "kafka.topics: \"orders,,payments\" has an empty item; list topics like orders,payments",
                        "table: \"a.b.c\" is not name or schema.name, a part in double quotes when it holds a dot,"
                                + " space or quote; set a table like public.orders, or quote a part as PostgreSQL"
                                + " does: \"Odd Schema\".events",
                        "key.columns: \"id\" is listed twice; list each item once");
    }

    @Test
    void acceptsATableNameQuotedAsPostgresqlWritesIt() {
        String table = "\"Odd Schema\".\"Events \"\"X\"\"\"";

        assertThat(SinkConfig.parse(minimalWith("table", table)).table()).isEqualTo(table);
        assertThat(problemsOf(minimalWith("table", "\"Odd Schema.events"))).hasSize(1);
    }

    @Test
    void rejectsNonPostgresUrlWithoutEchoingItsPassword() {
        assertThat(problemsOf(minimalWith("postgres.url", "jdbc:mysql://db/app?password=hunter2")))
                .containsExactly("postgres.url: \"jdbc:mysql://db/app?password=***\" is not a JDBC URL starting "
                        + "with jdbc:postgresql:; set a URL like jdbc:postgresql://db:5432/app");
    }

    @Test
    void rejectsBufferSmallerThanOneBatch() {
        assertThat(problemsOf(minimalWith("batch.max.bytes", "4194304", "buffer.max.bytes", "2097152")))
                .containsExactly("buffer.max.bytes: \"2097152\" is less than batch.max.bytes (4194304); "
                        + "set it to at least 4194304 or lower batch.max.bytes");
    }

    @Test
    void rejectsUnknownKeyWithDidYouMean() {
        assertThat(problemsOf(minimalWith("batch.max.record", "10", "batch.linger", "5")))
                .containsExactly(
                        "batch.linger: unknown key; did you mean batch.linger.ms?",
                        "batch.max.record: unknown key; did you mean batch.max.records?");
    }

    @Test
    void rejectsUnknownKeyWithoutCloseMatchPointingAtThePassThroughPrefixes() {
        assertThat(problemsOf(minimalWith("max.poll.records", "10")))
                .containsExactly("max.poll.records: unknown key; see docs/configuration.md, and pass Kafka "
                        + "consumer or HikariCP settings with the prefix kafka.consumer. or postgres.pool.");
    }

    @Test
    void reportsProblemsOfDifferentKindsTogether() {
        Map<String, String> properties =
                minimalWith("batch.max.records", "abc", "write.mode", "merge", "tabel", "orders");
        properties.remove("kafka.group.id");

        assertThatThrownBy(() -> SinkConfig.parse(properties))
                .hasMessage("Invalid pgsink configuration (4 problems):\n"
                        + "- kafka.group.id: missing; set the Kafka consumer group id, "
                        + "e.g. kafka.group.id=orders-sink\n"
                        + "- write.mode: \"merge\" is not one of insert, upsert, update, insert-if-absent\n"
                        + "- batch.max.records: \"abc\" is not an integer; set a whole number between 1 and 1000000\n"
                        + "- tabel: unknown key; did you mean table?");
    }
}
