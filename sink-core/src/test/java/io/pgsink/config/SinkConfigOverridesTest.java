package io.pgsink.config;

import static io.pgsink.config.SinkConfigTest.minimal;
import static io.pgsink.config.SinkConfigTest.minimalWith;
import static io.pgsink.config.SinkConfigTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigOverridesTest {

    @Test
    void collectsPassThroughSettingsWithThePrefixStripped() {
        SinkConfig config = SinkConfig.parse(minimalWith(
                "kafka.consumer.max.poll.records",
                " 500 ",
                "kafka.consumer.auto.offset.reset",
                "earliest",
                "postgres.pool.maximumPoolSize",
                "4",
                "postgres.pool.dataSource.reWriteBatchedInserts",
                "true"));

        assertThat(config.consumerOverrides())
                .containsExactlyInAnyOrderEntriesOf(Map.of("max.poll.records", "500", "auto.offset.reset", "earliest"));
        assertThat(config.poolOverrides())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("maximumPoolSize", "4", "dataSource.reWriteBatchedInserts", "true"));
    }

    @Test
    void rejectsConsumerSettingsThatPgsinkManages() {
        assertThat(problemsOf(minimalWith(
                        "kafka.consumer.enable.auto.commit",
                        "true",
                        "kafka.consumer.group.id",
                        "other",
                        "kafka.consumer.bootstrap.servers",
                        "k:9092",
                        "kafka.consumer.key.deserializer",
                        "x",
                        "kafka.consumer.value.deserializer",
                        "y")))
                .containsExactly(
                        "kafka.consumer.bootstrap.servers: pgsink manages this setting; "
                                + "set kafka.bootstrap.servers instead",
                        "kafka.consumer.enable.auto.commit: pgsink manages this setting; "
                                + "pgsink commits offsets only after their rows are written; remove it",
                        "kafka.consumer.group.id: pgsink manages this setting; set kafka.group.id instead",
                        "kafka.consumer.key.deserializer: pgsink manages this setting; "
                                + "pgsink reads raw bytes and decodes them itself; remove it",
                        "kafka.consumer.value.deserializer: pgsink manages this setting; "
                                + "pgsink reads raw bytes and decodes them itself; remove it");
    }

    @Test
    void rejectsPoolSettingsThatPgsinkManagesAndEmptyValues() {
        assertThat(problemsOf(minimalWith(
                        "postgres.pool.jdbcUrl",
                        "jdbc:postgresql://x/y",
                        "postgres.pool.autoCommit",
                        "true",
                        "kafka.consumer.client.id",
                        " ")))
                .containsExactly(
                        "kafka.consumer.client.id: empty value; set a value or remove the key",
                        "postgres.pool.autoCommit: pgsink manages this setting; "
                                + "pgsink writes each batch in one transaction it commits itself; remove it",
                        "postgres.pool.jdbcUrl: pgsink manages this setting; set postgres.url instead");
    }

    @Test
    void rejectsPoolSmallerThanTheWriterLanes() {
        assertThat(problemsOf(minimalWith("write.concurrency", "4", "postgres.pool.maximumPoolSize", "2")))
                .containsExactly("postgres.pool.maximumPoolSize: \"2\" is less than write.concurrency; "
                        + "set at least write.concurrency (4) or remove the key");
    }

    @Test
    void environmentWinsOverTheFileAndMapsVariableNames() {
        Map<String, String> merged = SinkConfig.withEnvironment(
                minimalWith("batch.max.records", "100", "postgres.password", "from-file"),
                Map.of(
                        "PGSINK_BATCH_MAX_RECORDS",
                        "200",
                        "PGSINK_POSTGRES_PASSWORD",
                        "from-env",
                        "PGSINK_KAFKA_GROUP_ID",
                        "env-group",
                        "PATH",
                        "/usr/bin",
                        "pgsink_table",
                        "ignored"));

        SinkConfig config = SinkConfig.parse(merged);

        assertThat(config.batchMaxRecords()).isEqualTo(200);
        assertThat(config.postgresPassword()).isEqualTo("from-env");
        assertThat(config.groupId()).isEqualTo("env-group");
        assertThat(merged).doesNotContainKeys("PATH", "pgsink_table");
    }

    @Test
    void environmentMapsPassThroughSettingsToTheirNamingConventions() {
        Map<String, String> merged = SinkConfig.withEnvironment(
                minimal(),
                Map.of(
                        "PGSINK_KAFKA_CONSUMER_MAX_POLL_RECORDS", "50",
                        "PGSINK_POSTGRES_POOL_MAXIMUM_POOL_SIZE", "8"));

        assertThat(merged)
                .containsEntry("kafka.consumer.max.poll.records", "50")
                .containsEntry("postgres.pool.maximumPoolSize", "8");
        assertThat(SinkConfig.parse(merged).poolOverrides()).containsEntry("maximumPoolSize", "8");
    }

    @Test
    void unknownPgsinkVariableIsReportedUnderItsOwnName() {
        Map<String, String> merged = SinkConfig.withEnvironment(
                minimal(), Map.of("PGSINK_BATCH_MAX_RECORD", "10", "PGSINK_NOTHING_LIKE_IT", "x"));

        assertThat(problemsOf(merged))
                .containsExactly(
                        "PGSINK_BATCH_MAX_RECORD: unknown environment variable; did you mean PGSINK_BATCH_MAX_RECORDS?",
                        "PGSINK_NOTHING_LIKE_IT: unknown environment variable; see docs/configuration.md, and pass Kafka "
                                + "consumer or HikariCP settings as PGSINK_KAFKA_CONSUMER_<NAME> or "
                                + "PGSINK_POSTGRES_POOL_<NAME>");
    }

    @Test
    void misspeltPassThroughSettingsAreRejectedWithASuggestion() {
        assertThat(problemsOf(minimalWith(
                        "kafka.consumer.max.pol.records", "5",
                        "postgres.pool.maximumPoolSise", "8",
                        "kafka.consumer.nothing.like.any.setting", "x")))
                .containsExactly(
                        "kafka.consumer.max.pol.records: unknown Kafka consumer setting; did you mean"
                                + " kafka.consumer.max.poll.records?",
                        "kafka.consumer.nothing.like.any.setting: unknown Kafka consumer setting; see Kafka's consumer"
                                + " configuration reference for the names",
                        "postgres.pool.maximumPoolSise: unknown HikariCP setting; did you mean"
                                + " postgres.pool.maximumPoolSize?");
    }

    @Test
    void clientSettingsTheClientsKnowArePassedThrough() {
        SinkConfig config = SinkConfig.parse(minimalWith(
                "kafka.consumer.isolation.level", "read_uncommitted",
                "kafka.consumer.config.providers", "env",
                "kafka.consumer.config.providers.env.class",
                        "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "postgres.pool.minimumIdle", "1",
                "postgres.pool.dataSource.sslmode", "require"));

        assertThat(config.consumerOverrides())
                .containsKeys("isolation.level", "config.providers", "config.providers.env.class");
        assertThat(config.poolOverrides()).containsKeys("minimumIdle", "dataSource.sslmode");
    }

    @Test
    void kubernetesServiceLinkVariablesOfAServiceNamedPgsinkAreNotSettings() {
        Map<String, String> environment = new HashMap<>();
        environment.put("PGSINK_SERVICE_HOST", "10.96.0.12");
        environment.put("PGSINK_SERVICE_PORT", "8080");
        environment.put("PGSINK_SERVICE_PORT_HTTP", "8080");
        environment.put("PGSINK_SERVICE_PORT_HTTP_METRICS", "9090");
        environment.put("PGSINK_PORT", "tcp://10.96.0.12:8080");
        environment.put("PGSINK_PORT_8080_TCP", "tcp://10.96.0.12:8080");
        environment.put("PGSINK_PORT_8080_TCP_PROTO", "tcp");
        environment.put("PGSINK_PORT_8080_TCP_PORT", "8080");
        environment.put("PGSINK_PORT_8080_TCP_ADDR", "10.96.0.12");
        environment.put("PGSINK_PORT_53_UDP_ADDR", "10.96.0.12");
        environment.put("PGSINK_PORT_9_SCTP", "sctp://10.96.0.12:9");

        Map<String, String> merged = SinkConfig.withEnvironment(minimal(), environment);

        assertThat(merged).isEqualTo(minimal());
        assertThat(SinkConfig.parse(merged)).isEqualTo(SinkConfig.parse(minimal()));
    }

    @Test
    void typosNearServiceLinkShapesAreStillReported() {
        Map<String, String> merged = SinkConfig.withEnvironment(
                minimal(),
                Map.of(
                        "PGSINK_BATCH_MAX_RECRODS", "10",
                        "PGSINK_PORT_8080_HTTP", "x",
                        "PGSINK_SERVICE_HOSTS", "x",
                        "PGSINK_PORTS", "x"));

        assertThat(problemsOf(merged))
                .hasSize(4)
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith("PGSINK_BATCH_MAX_RECRODS: unknown environment variable; did you mean"
                                + " PGSINK_BATCH_MAX_RECORDS?"));
    }

    @Test
    void everyCatalogKeyHasAnEnvironmentVariableThatMapsBackToIt() {
        assertThat(ConfigCatalog.keys())
                .allSatisfy(key ->
                        assertThat(EnvironmentOverrides.keyFor(key.envName())).isEqualTo(key.name()));
        assertThat(ConfigCatalog.find("input.unknown.fields").orElseThrow().envName())
                .isEqualTo("PGSINK_INPUT_UNKNOWN_FIELDS");
    }
}
