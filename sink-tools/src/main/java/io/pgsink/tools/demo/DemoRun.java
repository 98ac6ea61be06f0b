package io.pgsink.tools.demo;

import io.pgsink.SinkStats;
import io.pgsink.SinkWorker;
import io.pgsink.config.SinkConfig;
import io.pgsink.tools.embedded.EmbeddedKafka;
import io.pgsink.tools.embedded.EmbeddedPostgresServer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The demo: embedded Kafka and PostgreSQL, a topic and a table, a stream of sample events with a few bad ones, a
 * worker sinking them with a live progress line, and a check that the table holds exactly the good events while
 * the bad ones sit in the dead-letter topic with their context.
 */
public final class DemoRun {

    static final String TOPIC = "demo.events";
    static final int PARTITIONS = 4;

    private final PrintStream out;

    public DemoRun(PrintStream out) {
        this.out = out;
    }

    /** Returns true when the table matched what was published. */
    public boolean run(int records, boolean keepRunning) throws Exception {
        out.println("starting embedded PostgreSQL and Kafka (a few seconds)...");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(false);
                EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic(TOPIC, PARTITIONS);
            kafka.createTopic(TOPIC + ".dlt", 1);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                    Statement st = c.createStatement()) {
                st.execute(DemoEvents.TABLE_DDL);
            }
            List<DemoEvents.Event> events = DemoEvents.generate(records, 42);
            List<DemoEvents.Event> bad = DemoEvents.bad();
            Random random = new Random(7);
            for (DemoEvents.Event e : bad) {
                events.add(random.nextInt(events.size()), e);
            }
            publish(kafka.bootstrapServers(), events);
            out.printf(
                    "published %,d events (%d of them bad on purpose) to %s (%d partitions)%n",
                    events.size(), bad.size(), TOPIC, PARTITIONS);
            boolean ok = sink(pg, kafka, events, bad.size());
            printDeadLetters(kafka.bootstrapServers(), bad.size());
            printConnectionInfo(pg, kafka);
            if (keepRunning) {
                out.println("--keep-running: press Ctrl-C to stop");
                Thread.currentThread().join();
            }
            return ok;
        }
    }

    private boolean sink(EmbeddedPostgresServer pg, EmbeddedKafka kafka, List<DemoEvents.Event> events, int bad)
            throws Exception {
        SinkConfig config = SinkConfig.parse(Map.of(
                "kafka.bootstrap.servers",
                kafka.bootstrapServers(),
                "kafka.group.id",
                "pgsink-demo",
                "kafka.topics",
                TOPIC,
                "postgres.url",
                pg.jdbcUrl(),
                "postgres.user",
                pg.user(),
                "postgres.password",
                pg.password(),
                "table",
                "demo_events",
                "write.mode",
                "upsert",
                "write.concurrency",
                "2"));
        long start = System.nanoTime();
        try (SinkWorker worker = SinkWorker.start(config)) {
            Progress progress = new Progress(out);
            SinkStats stats = worker.stats();
            while (stats.recordsWritten() + stats.recordsDeadLettered() < events.size()) {
                if (!worker.health().isHealthy()) {
                    out.println("\nworker unhealthy: " + worker.health().detail());
                    return false;
                }
                Thread.sleep(200);
                stats = worker.stats();
                progress.show(stats, System.nanoTime() - start);
            }
            progress.done(stats, System.nanoTime() - start);
        }
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            List<String> differences = TableCheck.differences(c, events);
            if (differences.isEmpty()) {
                out.printf(
                        "check: table demo_events holds exactly the %,d good events, value for value%n",
                        events.size() - bad);
                return true;
            }
            differences.forEach(d -> out.println("check FAILED: " + d));
            return false;
        }
    }

    private static void publish(String bootstrap, List<DemoEvents.Event> events) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        256 * 1024),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (DemoEvents.Event e : events) {
                producer.send(new ProducerRecord<>(TOPIC, e.key(), e.value()));
            }
            producer.flush();
        }
    }

    private void printDeadLetters(String bootstrap, int expected) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC + ".dlt", 0);
            consumer.assign(Collections.singleton(tp));
            consumer.seekToBeginning(Collections.singleton(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (found.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(found::add);
            }
        }
        out.printf("dead-letter topic %s.dlt holds %d record(s):%n", TOPIC, found.size());
        for (ConsumerRecord<byte[], byte[]> r : found) {
            out.printf(
                    "  %s-%s@%s  kind=%s sqlstate=%s%n      %s%n",
                    header(r, "topic"),
                    header(r, "partition"),
                    header(r, "offset"),
                    header(r, "kind"),
                    header(r, "sqlstate"),
                    header(r, "message"));
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader("pgsink.error." + name);
        return h == null ? "-" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void printConnectionInfo(EmbeddedPostgresServer pg, EmbeddedKafka kafka) {
        out.println("PostgreSQL: psql postgresql://" + pg.user() + "@localhost:" + pg.port() + "/postgres" + "   (JDBC "
                + pg.jdbcUrl() + ")");
        out.println("Kafka bootstrap servers: " + kafka.bootstrapServers());
    }
}
