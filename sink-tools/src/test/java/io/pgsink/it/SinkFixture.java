package io.pgsink.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsink.config.SinkConfig;
import io.pgsink.testing.ChildJvm;
import io.pgsink.testing.TestServices;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.LongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the integration tests share: a fresh topic and table per test, a deterministic event stream, a checksum of
 * the values (not only the count) on both sides, and the consumer group's committed offsets.
 */
final class SinkFixture {

    static final String TABLE_DDL = "(id bigint PRIMARY KEY, account text NOT NULL, amount numeric(14,2),"
            + " at timestamptz, payload jsonb, version int)";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    final TestServices services = TestServices.get();
    final String topic;
    final String table;
    final String group;

    SinkFixture(String name, int partitions) throws SQLException {
        this(name, partitions, true, TABLE_DDL);
    }

    /**
     * @param deadLetterTopic whether to create the dead-letter topic (the broker does not auto-create topics)
     * @param ddl the table's column list, or null to create no table (a test that writes to a database of its own)
     */
    SinkFixture(String name, int partitions, boolean deadLetterTopic, String ddl) throws SQLException {
        String suffix = name + "_" + SEQUENCE.incrementAndGet() + "_" + (System.nanoTime() % 100_000);
        this.topic = "t." + suffix;
        this.table = "t_" + suffix;
        this.group = "g." + suffix;
        services.createTopic(topic, partitions);
        if (deadLetterTopic) {
            services.createTopic(topic + ".dlt", 1);
        }
        if (ddl != null) {
            execute("CREATE TABLE " + table + " " + ddl);
        }
    }

    /** The event with this id, at this version: what a producer of account events might send. */
    static String event(long id, int version) {
        return "{\"id\":" + id + ",\"account\":\"acct-" + (id % 97) + "\",\"amount\":"
                + BigDecimal.valueOf(id * 7 + version, 2)
                + ",\"at\":\"" + Instant.ofEpochSecond(1_700_000_000L + id) + "\",\"payload\":{\"n\":" + id
                + ",\"tags\":[\"a\",\"b\"],\"nested\":{\"v\":" + version + "}},\"version\":" + version
                + ",\"extra\":true}";
    }

    Map<String, String> config(String... overrides) {
        Map<String, String> c = new HashMap<>(Map.of(
                "kafka.bootstrap.servers",
                services.kafkaBootstrap(),
                "kafka.group.id",
                group,
                "kafka.topics",
                topic,
                "postgres.url",
                services.jdbcUrl(),
                "postgres.user",
                services.dbUser(),
                "postgres.password",
                services.dbPassword(),
                "table",
                table,
                "shutdown.timeout.ms",
                "10000"));
        for (int i = 0; i < overrides.length; i += 2) {
            c.put(overrides[i], overrides[i + 1]);
        }
        return c;
    }

    SinkConfig sinkConfig(String... overrides) {
        return SinkConfig.parse(config(overrides));
    }

    /** Produces events {@code from} (inclusive) to {@code to} (exclusive), keyed by id. */
    void produce(long from, long to, IntFunction<Integer> version) {
        produceValues(from, to, id -> event(id, version.apply((int) id)));
    }

    /** Produces {@code value(id)} keyed by id; a null value is a tombstone. */
    void produceValues(long from, long to, LongFunction<String> value) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (long id = from; id < to; id++) {
                String v = value.apply(id);
                producer.send(new ProducerRecord<>(
                        topic,
                        ("k" + id).getBytes(StandardCharsets.UTF_8),
                        v == null ? null : v.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    KafkaProducer<byte[], byte[]> producer() {
        // One request in flight and generous timeouts: on a loaded 2-core machine the in-JVM broker can be slow to
        // answer, and retried pipelined requests then fail with OUT_OF_ORDER_SEQUENCE_NUMBER.
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        services.kafkaBootstrap(),
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        262_144,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        1,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        120_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        300_000),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    long rowCount() throws SQLException {
        return queryLong("SELECT count(*) FROM " + table);
    }

    long queryLong(String sql) throws SQLException {
        try (Connection c = services.openConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = services.openConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** An order-independent checksum of every value in the table, normalised as {@link #expectedChecksum}. */
    long tableChecksum() throws Exception {
        try (Connection c = services.openConnection()) {
            return checksum(c, "SELECT id, account, amount, at, payload, version FROM " + table);
        }
    }

    /**
     * The checksum of the rows a query returns, normalised as {@link #expectedChecksum}: the query selects id,
     * account, amount, at, payload and version, in that order.
     */
    static long checksum(Connection c, String query) throws Exception {
        long sum = 0;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                sum += rowHash(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getBigDecimal(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(),
                        JSON.readTree(rs.getString(5)),
                        rs.getInt(6));
            }
        }
        return sum;
    }

    /** The checksum the table must have once events {@code from..to} at the given versions are written. */
    static long expectedChecksum(long from, long to, IntFunction<Integer> version) throws Exception {
        long sum = 0;
        for (long id = from; id < to; id++) {
            JsonNode e = JSON.readTree(event(id, version.apply((int) id)));
            sum += rowHash(
                    id,
                    e.get("account").asText(),
                    new BigDecimal(e.get("amount").asText()),
                    Instant.parse(e.get("at").asText()),
                    e.get("payload"),
                    e.get("version").asInt());
        }
        return sum;
    }

    private static long rowHash(long id, String account, BigDecimal amount, Instant at, JsonNode payload, int version) {
        return Objects.hash(
                                id,
                                account,
                                amount.stripTrailingZeros().toPlainString(),
                                at.toEpochMilli(),
                                payload.toString(),
                                version)
                        * 2_654_435_761L
                + id;
    }

    /** The group's committed offsets on the topic, summed over partitions. */
    long committedTotal() throws Exception {
        return committed().values().stream()
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
    }

    /** How many members of the group hold at least one partition right now. */
    long membersWithPartitions() throws ExecutionException, InterruptedException {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafkaBootstrap()))) {
            return admin
                    .describeConsumerGroups(java.util.List.of(group))
                    .describedGroups()
                    .get(group)
                    .get()
                    .members()
                    .stream()
                    .filter(m -> !m.assignment().topicPartitions().isEmpty())
                    .count();
        }
    }

    /** How many records the dead-letter topic holds (its end offset: the fixture creates it with one partition). */
    long deadLetterCount() throws ExecutionException, InterruptedException {
        TopicPartition dlt = new TopicPartition(topic + ".dlt", 0);
        try (Admin admin = admin()) {
            return admin.listOffsets(Map.of(dlt, OffsetSpec.latest()))
                    .partitionResult(dlt)
                    .get()
                    .offset();
        }
    }

    /**
     * A worker in its own JVM on this fixture's topic and table, with a short session timeout: a member that dies
     * or freezes without leaving loses its partitions after 6 s instead of the default 45 s. The JVM compiles with
     * C1 only: on two cores shared with the broker, PostgreSQL and other workers, C2 compiling the startup path
     * doubles the time to start (about 7.5 s against 3.5 s measured here), and tests restart workers often.
     */
    ChildJvm childWorker(String... overrides) throws IOException {
        Map<String, String> config = config(overrides);
        config.putIfAbsent("kafka.consumer.session.timeout.ms", "6000");
        config.putIfAbsent("kafka.consumer.heartbeat.interval.ms", "1000");
        return ChildJvm.start(
                List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"),
                List.of("run", "--config", ChildJvm.propertiesFile(config).toString()),
                Map.of());
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafkaBootstrap()));
    }

    /** Sets the group's committed offsets in Kafka alone (the group must have no active member). */
    void setKafkaOffsets(Map<TopicPartition, OffsetAndMetadata> offsets)
            throws ExecutionException, InterruptedException {
        try (Admin admin = admin()) {
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        }
    }

    Map<TopicPartition, OffsetAndMetadata> committed() throws ExecutionException, InterruptedException {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafkaBootstrap()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get());
            offsets.values().removeIf(Objects::isNull);
            offsets.keySet().removeIf(tp -> !tp.topic().equals(topic));
            return offsets;
        }
    }
}
