package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.Health;
import io.pgsink.SinkWorker;
import io.pgsink.config.SinkConfig;
import io.pgsink.testing.TestServices;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * One worker, several routes: each topic lands in its route's table by its route's mode (insert, upsert,
 * insert-if-absent), a pattern route picks up a topic created while the worker runs, and a bad record of one route
 * reaches that route's dead-letter topic while the other routes keep writing.
 */
class RoutingIT {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final TestServices services = TestServices.get();
    private final String s = "r" + SEQUENCE.incrementAndGet() + "_" + (System.nanoTime() % 100_000);
    private final String orders = "orders." + s;
    private final String accounts = "accounts." + s;
    private final String audit = "audit." + s;
    private final String auditDlt = "audit-dlt." + s;
    private final String eventsPrefix = "events" + s;
    private final String group = "g.routes." + s;

    @Test
    void eachTopicReachesItsRoutesTableAndABadRecordOnlyItsRoutesDeadLetterTopic() throws Exception {
        String clicks = eventsPrefix + ".clicks";
        String views = eventsPrefix + ".views"; // created while the worker runs
        for (String topic : List.of(orders, accounts, audit, auditDlt, clicks, orders + ".dlt")) {
            services.createTopic(topic, topic.equals(orders) ? 2 : 1);
        }
        execute("CREATE TABLE orders_" + s + " (id bigint PRIMARY KEY, note text NOT NULL)");
        execute("CREATE TABLE accounts_" + s + " (id bigint PRIMARY KEY, version int NOT NULL)");
        execute("CREATE TABLE audit_" + s + " (id bigint PRIMARY KEY, qty int CHECK (qty >= 0))");
        execute("CREATE TABLE ev_" + eventsPrefix + "_clicks (id bigint PRIMARY KEY, note text)");
        execute("CREATE TABLE ev_" + eventsPrefix + "_views (id bigint PRIMARY KEY, note text)");

        produce(orders, 0, 300, i -> "{\"id\":" + i + ",\"note\":\"o" + i + "\"}");
        produce(accounts, 0, 100, i -> "{\"id\":" + i + ",\"version\":1}");
        produce(accounts, 0, 100, i -> "{\"id\":" + i + ",\"version\":2}"); // upserted over version 1
        produce(audit, 0, 50, i -> "{\"id\":" + i + ",\"qty\":" + (i == 20 ? -1 : i) + "}"); // 20 breaks the CHECK
        // insert-if-absent: a later version of an id that is already there changes nothing
        produce(audit, 0, 10, i -> "{\"id\":" + i + ",\"qty\":999}");
        produce(clicks, 0, 40, i -> "{\"id\":" + i + ",\"note\":\"c\"}");

        try (SinkWorker worker = SinkWorker.start(SinkConfig.parse(config()))) {
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> committed(orders) == 300
                            && committed(accounts) == 200
                            && committed(audit) == 60
                            && committed(clicks) == 40);
            services.createTopic(views, 1);
            produce(views, 0, 25, i -> "{\"id\":" + i + ",\"note\":\"v\"}");
            produce(orders, 300, 400, i -> "{\"id\":" + i + ",\"note\":\"o" + i + "\"}");
            await().atMost(Duration.ofMinutes(1)).until(() -> committed(views) == 25 && committed(orders) == 400);

            assertThat(worker.health().status()).isEqualTo(Health.Status.RUNNING);
            assertThat(worker.stats().recordsDeadLettered()).isEqualTo(1);
        }

        assertThat(query("SELECT count(*) || '/' || sum(id) FROM orders_" + s)).isEqualTo("400/79800");
        assertThat(query("SELECT count(*) FROM orders_" + s + " WHERE note = 'o' || id"))
                .isEqualTo("400");
        assertThat(query("SELECT count(*) || '/' || min(version) || '/' || max(version) FROM accounts_" + s))
                .isEqualTo("100/2/2");
        assertThat(query("SELECT count(*) || '/' || sum(id) FROM audit_" + s)).isEqualTo("49/" + (1225 - 20));
        assertThat(query("SELECT count(*) FROM audit_" + s + " WHERE qty <> id"))
                .as("insert-if-absent kept each id's first version")
                .isEqualTo("0");
        assertThat(query("SELECT count(*) FROM ev_" + eventsPrefix + "_clicks")).isEqualTo("40");
        assertThat(query("SELECT count(*) FROM ev_" + eventsPrefix + "_views")).isEqualTo("25");

        List<ConsumerRecord<byte[], byte[]>> dead = readAll(auditDlt, 1);
        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":20,\"qty\":-1}");
            assertThat(DeadLetters.header(r, "topic")).isEqualTo(audit);
            assertThat(DeadLetters.header(r, "offset")).isEqualTo("20");
            assertThat(DeadLetters.header(r, "sqlstate")).isEqualTo("23514");
        });
        assertThat(readAll(orders + ".dlt", 0))
                .as("no other route dead-lettered anything")
                .isEmpty();
    }

    @Test
    void aRouteWhoseTableStopsLeavesTheOtherRoutesWritingAndHealthNamesIt() throws Exception {
        services.createTopic(orders, 1);
        services.createTopic(audit, 1);
        execute("CREATE TABLE orders_" + s + " (id bigint PRIMARY KEY, note text NOT NULL)");
        execute("CREATE TABLE audit_" + s + " (id bigint PRIMARY KEY, qty int)");
        Map<String, String> c = config();
        c.keySet().removeIf(k -> k.startsWith("route.accounts.") || k.startsWith("route.events."));

        try (SinkWorker worker = SinkWorker.start(SinkConfig.parse(c))) {
            produce(audit, 0, 10, i -> "{\"id\":" + i + ",\"qty\":1}");
            await().atMost(Duration.ofMinutes(1)).until(() -> committed(audit) == 10);
            // Without the table every write of the audit route fails fatally (42P01).
            execute("DROP TABLE audit_" + s);
            produce(audit, 10, 20, i -> "{\"id\":" + i + ",\"qty\":1}");
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> worker.health().status() == Health.Status.DEGRADED
                            && worker.stats().stoppedTables().size() == 1);
            produce(orders, 0, 100, i -> "{\"id\":" + i + ",\"note\":\"o" + i + "\"}");
            await().atMost(Duration.ofMinutes(1)).until(() -> committed(orders) == 100);

            assertThat(worker.health().detail()).contains("route audit, table audit_" + s + " stopped");
            assertThat(worker.stats().stoppedTables()).containsOnlyKeys("route audit, table audit_" + s);
            assertThat(committed(audit)).isEqualTo(10);
        }
        assertThat(query("SELECT count(*) FROM orders_" + s)).isEqualTo("100");
    }

    private Map<String, String> config() {
        Map<String, String> c = new HashMap<>();
        c.put("kafka.bootstrap.servers", services.kafkaBootstrap());
        c.put("kafka.group.id", group);
        c.put("postgres.url", services.jdbcUrl());
        c.put("postgres.user", services.dbUser());
        c.put("postgres.password", services.dbPassword());
        c.put("shutdown.timeout.ms", "10000");
        // A new topic matching a route's pattern is found on the next metadata refresh.
        c.put("kafka.consumer.metadata.max.age.ms", "1000");
        c.put("write.concurrency", "2");
        c.put("route.orders.topics", orders);
        c.put("route.orders.table", "orders_" + s);
        c.put("route.accounts.topics", accounts);
        c.put("route.accounts.table", "accounts_" + s);
        c.put("route.accounts.mode", "upsert");
        c.put("route.audit.topics", audit);
        c.put("route.audit.table", "audit_" + s);
        c.put("route.audit.mode", "insert-if-absent");
        c.put("route.audit.deadletter.topic", auditDlt);
        c.put("route.events.topics.regex", eventsPrefix + "\\..*");
        c.put("route.events.table", "ev_${topic}");
        return c;
    }

    private void produce(String topic, long from, long to, LongFunction<String> value) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafkaBootstrap(),
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long id = from; id < to; id++) {
                producer.send(new ProducerRecord<>(
                        topic,
                        ("k" + id).getBytes(StandardCharsets.UTF_8),
                        value.apply(id).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** The group's committed offsets on the topic, summed over its partitions. */
    private long committed(String topic) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafkaBootstrap()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && Objects.nonNull(e.getValue()))
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafkaBootstrap()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(Set.of(tp));
            consumer.seekToBeginning(Set.of(tp));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(found::add);
                return found.size() >= atLeast;
            });
            consumer.poll(Duration.ofMillis(500)).forEach(found::add); // anything beyond what was expected
        }
        return found;
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = services.openConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private String query(String sql) throws SQLException {
        try (Connection c = services.openConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
