package io.pgsink.it;

import static org.awaitility.Awaitility.await;

import io.pgsink.testing.TestServices;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 * <p>The test PostgreSQL that {@link TestServices} chooses may not allow logical replication, so the source
 * database is a zonky PostgreSQL of its own, started once per JVM with {@code wal_level=logical}. A sink under test
 * can write into it too ({@link #jdbcUrl()}), so that {@link #differences} compares source and target in one query.
 */
final class DebeziumSource implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static EmbeddedPostgres logicalPostgres;

    private final EmbeddedPostgres postgres;
    private final String kafkaBootstrap;
    private final Path offsetFile;
    private final Connect<StandaloneHerder> connect;
    private final Map<String, String> connectorOfTopic = new HashMap<>();
    /** Per topic, its end offset before its connector started: not 0 on a broker that outlives test runs. */
    private final Map<String, Long> firstOffset = new HashMap<>();

    private DebeziumSource(EmbeddedPostgres postgres, String kafkaBootstrap, Path offsetFile) {
        this.postgres = postgres;
        this.kafkaBootstrap = kafkaBootstrap;
        this.offsetFile = offsetFile;
        this.connect = startWorker(kafkaBootstrap, offsetFile);
    }

    /** Starts a Connect worker against the test broker; connectors are added by {@link #startConnector}. */
    static DebeziumSource start() {
        try {
            return new DebeziumSource(
                    logicalPostgres(),
                    TestServices.get().kafkaBootstrap(),
                    Files.createTempFile("pgsink-connect-offsets", ".dat"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized EmbeddedPostgres logicalPostgres() throws IOException {
        if (logicalPostgres == null) {
            // zonky registers a shutdown hook that stops the server and deletes its data directory.
            logicalPostgres = EmbeddedPostgres.builder()
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "10")
                    .setServerConfig("max_wal_senders", "10")
                    .start();
        }
        return logicalPostgres;
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

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    String user() {
        return "postgres";
    }

    String password() {
        return "postgres";
    }

    Connection openConnection() throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl(), user(), password());
        try (Statement st = c.createStatement()) {
            // Rows are compared and recorded as text, which for timestamptz depends on the session's time zone.
            st.execute("SET TIME ZONE 'UTC'");
        }
        return c;
    }

    /** Runs the statements in one transaction. */
    void execute(List<String> statements) throws SQLException {
        try (Connection c = openConnection();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                st.execute(sql);
            }
            c.commit();
        }
    }

    /**
     * Starts a Debezium connector named {@code name} on {@code public.<table>}: it snapshots the rows already there
     * (op {@code r}), then streams every change, with REPLICA IDENTITY FULL's old row in updates and deletes and a
     * tombstone after each delete. {@code schemas} chooses JsonConverter's {@code schemas.enable} for key and value.
     *
     * @return the topic it writes, {@code <name>.public.<table>}, created by Connect with one partition
     */
    String startConnector(String name, String table, boolean schemas) throws Exception {
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
        c.put("database.port", Integer.toString(postgres.getPort()));
        c.put("database.user", user());
        c.put("database.password", password());
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

    /**
     * The table's rows as {@code row_to_json} text (timestamps in UTC), ordered by {@code orderBy}: what a test
     * asserts on or records. Column names and values, in the table's column order.
     */
    List<String> rows(String table, String orderBy) throws SQLException {
        return strings("SELECT row_to_json(t)::text FROM " + table + " t ORDER BY " + orderBy);
    }

    /**
     * The rows in which two tables differ, value for value, empty when they hold the same rows. Each row is compared
     * as the text of its columns, taken by the names of {@code source}'s columns (so JSON whitespace, array
     * elements and timestamps to the microsecond count, and a target column of an equivalent type or in another
     * position still compares), {@code EXCEPT ALL} both ways. Numerics compare by value ({@code trim_scale}):
     * Debezium sends an unconstrained {@code numeric} without its trailing zeros ({@code 1.50} arrives as
     * {@code 1.5}), so no sink can keep them. Lines read {@code only in <table>: (v1,v2,...)}; both tables must be in
     * this database.
     */
    List<String> differences(String source, String target) throws SQLException {
        String row = "ROW(" + String.join(", ", comparedColumns(source)) + ")::text";
        String onlyIn = "SELECT %s || r FROM (SELECT %s r FROM %s EXCEPT ALL SELECT %s FROM %s) x";
        return strings(String.format(onlyIn, quote("only in " + source + ": "), row, source, row, target)
                + " UNION ALL "
                + String.format(onlyIn, quote("only in " + target + ": "), row, target, row, source));
    }

    private List<String> comparedColumns(String table) throws SQLException {
        return strings("SELECT CASE WHEN atttypid = 'numeric'::regtype THEN 'trim_scale(' || quote_ident(attname)"
                + " || ')' ELSE quote_ident(attname) END FROM pg_attribute WHERE attrelid = " + quote(table)
                + "::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
    }

    private static String quote(String literal) {
        return "'" + literal.replace("'", "''") + "'";
    }

    private List<String> strings(String query) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Connection c = openConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
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
