package io.pgsink.it;

import static org.awaitility.Awaitility.await;

import io.pgsink.testing.TestServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;

/**
 * The real Debezium PostgreSQL source connector, run by a Kafka Connect worker in this JVM (the standalone worker
 * that {@code connect-standalone.sh} starts, with its REST server on a free port), reading a PostgreSQL with
 * {@code wal_level=logical} through the {@code pgoutput} plugin and writing change events into the test Kafka
 * broker through Connect's {@code JsonConverter}.
 *
 * <p>The source database is {@link LogicalPostgres}, not the one {@link TestServices} chooses, which may not allow
 * logical replication. A CDC test runs {@link CdcTable}'s script there, lets a sink write a second table in the same
 * database, and compares the two:
 *
 * <pre>{@code
 * try (DebeziumSource source = DebeziumSource.start()) {
 *     LogicalPostgres db = source.database();
 *     CdcTable table = new CdcTable("cdc_sync");
 *     db.execute(table.create());
 *     db.execute(table.initialRows());
 *     String topic = source.startConnector("cdc_sync", table.name, true);
 *     for (int step = 1; step <= CdcTable.STEPS; step++) db.execute(table.step(step));
 *     source.awaitEvents(topic, CdcTable.EXPECTED_EVENTS.size(), Duration.ofSeconds(90));
 *     db.execute(new CdcTable("cdc_target").create());
 *     // run a sink from topic into cdc_target at db.jdbcUrl(), then wait until
 *     // db.differences(table.name, "cdc_target") is empty
 * }
 * }</pre>
 */
final class DebeziumSource implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final LogicalPostgres database;
    private final String kafkaBootstrap;
    private final Path offsetFile;
    private final Connect<StandaloneHerder> connect;
    private final Map<String, String> connectorOfTopic = new HashMap<>();
    /** Per topic, its end offset before its connector started: not 0 on a broker that outlives test runs. */
    private final Map<String, Long> firstOffset = new HashMap<>();

    private DebeziumSource(LogicalPostgres database, String kafkaBootstrap, Path offsetFile) {
        this.database = database;
        this.kafkaBootstrap = kafkaBootstrap;
        this.offsetFile = offsetFile;
        this.connect = startWorker(kafkaBootstrap, offsetFile);
    }

    /** Starts a Connect worker against the test broker; connectors are added by {@link #startConnector}. */
    static DebeziumSource start() {
        try {
            return new DebeziumSource(
                    LogicalPostgres.get(),
                    TestServices.get().kafkaBootstrap(),
                    Files.createTempFile("pgsink-connect-offsets", ".dat"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Connect<StandaloneHerder> startWorker(String kafkaBootstrap, Path offsetFile) {
        Map<String, String> worker = Map.of(
                "bootstrap.servers", kafkaBootstrap,
                "key.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "offset.storage.file.filename", offsetFile.toString(),
                "offset.flush.interval.ms", "1000",
                "listeners", "http://127.0.0.1:0",
                // Plugins from the class path's service manifests, without scanning every class on it.
                "plugin.discovery", "service_load");
        // Connect exits the JVM when its worker fails to start; in a test that must be a failure, not an exit.
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("the Kafka Connect worker did not start: " + message);
        });
        try {
            return new ConnectStandalone().startConnect(worker);
        } finally {
            Exit.resetExitProcedure();
        }
    }

    /** The source database, where the connectors read and where a sink under test can write. */
    LogicalPostgres database() {
        return database;
    }

    /**
     * Starts a Debezium connector named {@code name} (unique in this JVM: it names the replication slot) on
     * {@code public.<table>}: it snapshots the rows already there (op {@code r}), then streams every change, with
     * REPLICA IDENTITY FULL's old row in updates and deletes and a tombstone after each delete. {@code schemas} chooses JsonConverter's {@code schemas.enable} for key and value.
     *
     * @return the topic it writes, {@code <name>.public.<table>}, created by Connect with one partition
     */
    String startConnector(String name, String table, boolean schemas) throws Exception {
        if (!name.matches("[a-z][a-z0-9_]{0,40}")) {
            // It also names the replication slot and the publication, which allow no more.
            throw new IllegalArgumentException("a connector name of lower-case letters, digits and _: " + name);
        }
        String topic = name + ".public." + table;
        firstOffset.put(topic, endOffset(topic));
        Map<String, String> config = connectorConfig(name, table, schemas);
        List<String> errors = configErrors(config);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("connector " + name + " refuses its configuration: " + errors);
        }
        FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
        connect.herder().putConnectorConfig(name, config, false, created);
        created.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        connectorOfTopic.put(topic, name);
        return topic;
    }

    /**
     * What the connector's own validation finds wrong (it connects to the database to check replication). Asked
     * first because Kafka 4.1's herder fails with a NullPointerException while it words these errors itself.
     */
    private List<String> configErrors(Map<String, String> config) throws Exception {
        FutureCallback<ConfigInfos> validated = new FutureCallback<>();
        connect.herder().validateConnectorConfig(config, validated);
        return validated.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values().stream()
                .map(ConfigInfo::configValue)
                .filter(v -> v != null && !v.errors().isEmpty())
                .map(v -> v.name() + ": " + v.errors())
                .toList();
    }

    private Map<String, String> connectorConfig(String name, String table, boolean schemas) {
        Map<String, String> c = new HashMap<>();
        c.put("name", name);
        c.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        c.put("tasks.max", "1");
        c.put("database.hostname", "localhost");
        c.put("database.port", Integer.toString(database.port()));
        c.put("database.user", database.user());
        c.put("database.password", database.password());
        c.put("database.dbname", "postgres");
        c.put("topic.prefix", name);
        c.put("plugin.name", "pgoutput");
        c.put("slot.name", name + "_slot");
        // The slot would keep WAL for a connector that is gone.
        c.put("slot.drop.on.stop", "true");
        c.put("publication.name", name + "_pub");
        c.put("publication.autocreate.mode", "filtered");
        c.put("table.include.list", "public." + table);
        c.put("snapshot.mode", "initial");
        c.put("poll.interval.ms", "100");
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("key.converter.schemas.enable", Boolean.toString(schemas));
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", Boolean.toString(schemas));
        // The broker does not create topics on its own; Connect creates the connector's topics.
        c.put("topic.creation.default.replication.factor", "1");
        c.put("topic.creation.default.partitions", "1");
        return c;
    }

    /**
     * Reads the topic from where its connector started until it holds at least {@code count} records, or fails at
     * the deadline (or at once when the connector's task has failed) saying what did arrive.
     */
    List<ChangeEvent> awaitEvents(String topic, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ChangeEvent> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            awaitTopic(consumer, topic, deadline);
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seek(partition, firstOffset.getOrDefault(topic, 0L));
            while (events.size() < count) {
                checkRunning(connectorOfTopic.get(topic));
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "after " + timeout + " " + topic + " has " + events.size() + " of " + count + " events: "
                                    + events.stream().map(ChangeEvent::opAndKey).toList());
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    events.add(ChangeEvent.of(r));
                }
            }
        }
        return events;
    }

    private static void awaitTopic(KafkaConsumer<byte[], byte[]> consumer, String topic, long deadline) {
        await().pollInSameThread() // a consumer is used by one thread only
                .atMost(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))
                .pollInterval(Duration.ofMillis(200))
                .alias("the connector creates topic " + topic)
                .until(() -> consumer.listTopics(Duration.ofSeconds(5)).containsKey(topic));
    }

    private long endOffset(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            if (!consumer.listTopics(Duration.ofSeconds(30)).containsKey(topic)) {
                return 0;
            }
            TopicPartition partition = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(partition)).get(partition);
        }
    }

    /** Fails with the connector's own stack trace once it or its task has failed: waiting longer cannot help. */
    private void checkRunning(String connector) {
        if (connector == null) {
            return;
        }
        ConnectorStateInfo status = connect.herder().connectorStatus(connector);
        if ("FAILED".equals(status.connector().state())) {
            throw new AssertionError(
                    "connector " + connector + " failed: " + status.connector().trace());
        }
        for (ConnectorStateInfo.TaskState task : status.tasks()) {
            if ("FAILED".equals(task.state())) {
                throw new AssertionError("connector " + connector + "'s task failed: " + task.trace());
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafkaBootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "debezium-source-reader-" + UUID.randomUUID(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** Stops the worker; stopping each connector's task drops its replication slot. */
    @Override
    public void close() throws IOException {
        try {
            connect.stop();
            connect.awaitStop();
        } finally {
            Files.deleteIfExists(offsetFile);
        }
    }
}
