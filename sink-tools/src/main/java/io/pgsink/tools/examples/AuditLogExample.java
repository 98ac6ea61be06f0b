package io.pgsink.tools.examples;

import io.pgsink.tools.embedded.EmbeddedKafka;
import io.pgsink.tools.embedded.EmbeddedPostgresServer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The audit-log example: events keyed by their Kafka coordinates, written append-only in exactly-once mode; the
 * worker is killed (SIGKILL) mid-stream and started again, and the table ends with every event exactly once.
 */
final class AuditLogExample {

    static final String TOPIC = "audit.events";
    static final int PARTITIONS = 3;

    static final String TABLE_DDL = "CREATE TABLE audit_log ("
            + " topic text NOT NULL, partition integer NOT NULL, \"offset\" bigint NOT NULL,"
            + " actor text NOT NULL, action text NOT NULL, resource text NOT NULL, occurred_at timestamptz NOT NULL)";
    static final String INDEX_DDL =
            "CREATE UNIQUE INDEX audit_log_coordinates ON audit_log (topic, partition, \"offset\")";
    static final String DUPLICATES = "SELECT topic, partition, \"offset\", count(*) FROM audit_log"
            + " GROUP BY topic, partition, \"offset\" HAVING count(*) > 1";

    private static final String[] ACTORS = {"alice", "bob", "carol", "dave", "erin", "svc-billing", "svc-export"};
    private static final String[] ACTIONS = {"login", "logout", "read", "update", "delete", "grant", "revoke"};

    private final PrintStream out;
    private final Queries queries;

    AuditLogExample(PrintStream out) {
        this.out = out;
        this.queries = new Queries(out);
    }

    boolean run(int records) throws Exception {
        out.println("starting embedded PostgreSQL and Kafka (a few seconds)...");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(false);
                EmbeddedKafka kafka = EmbeddedKafka.start();
                Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            kafka.createTopic(TOPIC, PARTITIONS);
            try (Statement st = c.createStatement()) {
                st.execute(TABLE_DDL);
                st.execute(INDEX_DDL);
            }
            out.println("created table audit_log with a unique index on (topic, partition, \"offset\")");
            publish(kafka.bootstrapServers(), records);
            out.printf("published %,d audit events to %s (%d partitions)%n", records, TOPIC, PARTITIONS);
            Map<String, String> settings = settings(kafka.bootstrapServers(), pg);
            printConfig(settings);
            crashMidStream(settings, c, records);
            restartAndFinish(settings, c, records);
            return verify(c, kafka.bootstrapServers(), records);
        }
    }

    static Map<String, String> settings(String bootstrap, EmbeddedPostgresServer pg) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("kafka.bootstrap.servers", bootstrap);
        s.put("kafka.group.id", "pgsink-audit-log");
        // A fixed static member id: the restarted worker takes the killed one's place (and partitions) at once,
        // instead of waiting out the session timeout of a member that will never come back.
        s.put("kafka.group.instance.id", "audit-log-worker");
        s.put("postgres.url", pg.jdbcUrl());
        s.put("postgres.user", pg.user());
        s.put("postgres.password", pg.password());
        s.put("delivery.guarantee", "exactly-once");
        s.put("route.audit.topics", TOPIC);
        s.put("route.audit.table", "audit_log");
        s.put("route.audit.mode", "insert");
        s.put("route.audit.key.source", "coordinates");
        s.put("route.audit.mapping.metadata", "topic:topic,partition:partition,offset:offset");
        // Small batches, so that the kill lands between many commits rather than after the only one.
        s.put("batch.max.records", "200");
        s.put("batch.target.latency.ms", "0");
        return s;
    }

    private void printConfig(Map<String, String> settings) {
        out.println("worker configuration (pgsink.properties):");
        settings.forEach((k, v) -> out.println("  " + k + "=" + (k.contains("password") ? "****" : v)));
    }

    private void crashMidStream(Map<String, String> settings, Connection c, int records) throws Exception {
        long atKill;
        try (WorkerJvm worker = WorkerJvm.start(settings)) {
            out.printf("worker 1 started (pid %d)%n", worker.pid());
            atKill = awaitRows(c, worker, records / 4, Duration.ofSeconds(90));
            worker.kill();
        }
        out.printf("worker 1 KILLED (SIGKILL) mid-stream, %,d of %,d rows written at that moment%n", atKill, records);
        long committed = queries.count(c, "SELECT count(*) FROM audit_log");
        if (committed >= records) {
            out.println("note: worker 1 had finished before the kill landed; the restart then has nothing to redo");
        }
    }

    private void restartAndFinish(Map<String, String> settings, Connection c, int records) throws Exception {
        try (WorkerJvm worker = WorkerJvm.start(settings)) {
            out.printf("worker 2 started (pid %d): resumes from the offsets committed with the rows%n", worker.pid());
            long rows = awaitRows(c, worker, records, Duration.ofSeconds(90));
            out.printf("worker 2 caught up: %,d rows; stopping it (SIGTERM)%n", rows);
            worker.stop();
        }
    }

    private static long awaitRows(Connection c, WorkerJvm worker, long target, Duration timeout)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long rows = Queries.countQuietly(c, "SELECT count(*) FROM audit_log");
        while (rows < target && System.nanoTime() < deadline) {
            worker.requireAlive();
            Thread.sleep(5);
            rows = Queries.countQuietly(c, "SELECT count(*) FROM audit_log");
        }
        return rows;
    }

    private boolean verify(Connection c, String bootstrap, int records) throws SQLException {
        out.println("verification:");
        queries.printQuery(c, "SELECT * FROM pgsink_progress ORDER BY 1, 2, 3");
        int duplicates = queries.printQuery(c, DUPLICATES);
        long count = queries.count(c, "SELECT count(*) FROM audit_log");
        long deadLetters = Queries.recordsIn(bootstrap, TOPIC + ".dlt");
        out.printf("dead-letter topic %s.dlt holds %d record(s)%n", TOPIC, deadLetters);
        boolean ok = duplicates == 0 && count == records && deadLetters == 0;
        out.printf(
                "check: %s: %,d events published, %,d rows, %d duplicate coordinates, %d dead letters%n",
                ok ? "every event exactly once" : "MISMATCH", records, count, duplicates, deadLetters);
        return ok;
    }

    private static void publish(String bootstrap, int records) {
        Random random = new Random(42);
        Instant start = Instant.parse("2026-11-30T08:00:00Z");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                String actor = ACTORS[random.nextInt(ACTORS.length)];
                String value = String.format(
                        "{\"actor\":\"%s\",\"action\":\"%s\",\"resource\":\"doc-%d\",\"occurred_at\":\"%s\"}",
                        actor,
                        ACTIONS[random.nextInt(ACTIONS.length)],
                        random.nextInt(1000),
                        start.plusMillis(i * 250L));
                producer.send(new ProducerRecord<>(
                        TOPIC, actor.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }
}
