package io.pgsink.tools.examples;

import io.pgsink.SinkStats;
import io.pgsink.SinkWorker;
import io.pgsink.config.SinkConfig;
import io.pgsink.tools.embedded.EmbeddedKafka;
import io.pgsink.tools.embedded.EmbeddedPostgresServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The data-sync example: a source table, its change events as the Debezium PostgreSQL connector wrote them
 * (recorded, see the example's README for why), and a replica table that pgsink keeps equal to the source from those
 * events, deletes and a primary key change included.
 */
final class DataSyncExample {

    static final String TOPIC = "dbz_schema.public.cdc_types";
    private static final String RESOURCES = "/io/pgsink/tools/examples/data-sync/";
    /**
     * Every column, json as its text: json has no equality operator, and its text is what must survive (it keeps
     * whitespace). numeric compares by value: Debezium drops a free numeric's trailing zeros (see the README).
     */
    static final String COLUMNS = "id, c_smallint, c_integer, c_bigint, c_numeric, c_numeric_free, c_real, c_double,"
            + " c_boolean, c_text, c_varchar, c_date, c_time, c_timestamp, c_timestamptz, c_uuid, c_jsonb,"
            + " c_json::text AS c_json, c_bytea, c_int_array, c_text_array";

    static final String SOURCE_MINUS_REPLICA =
            "SELECT " + COLUMNS + " FROM upstream.cdc_types EXCEPT SELECT " + COLUMNS + " FROM replica.cdc_types";
    static final String REPLICA_MINUS_SOURCE =
            "SELECT " + COLUMNS + " FROM replica.cdc_types EXCEPT SELECT " + COLUMNS + " FROM upstream.cdc_types";

    private final PrintStream out;
    private final Queries queries;

    DataSyncExample(PrintStream out) {
        this.out = out;
        this.queries = new Queries(out);
    }

    boolean run() throws Exception {
        out.println("starting embedded PostgreSQL and Kafka (a few seconds)...");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(false);
                EmbeddedKafka kafka = EmbeddedKafka.start();
                Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            createTables(c);
            kafka.createTopic(TOPIC, 1);
            List<RecordedEvent> events = RecordedEvent.read(resource("events.jsonl"));
            publish(kafka.bootstrapServers(), events);
            out.printf(
                    "published %d recorded Debezium change events to %s: %s%n",
                    events.size(), TOPIC, RecordedEvent.summary(events));
            Map<String, String> settings = settings(kafka.bootstrapServers(), pg);
            out.println("worker configuration (pgsink.properties):");
            settings.forEach((k, v) -> out.println("  " + k + "=" + (k.contains("password") ? "****" : v)));
            SinkStats stats = sink(settings, c);
            out.printf(
                    "worker applied the stream: %d records written, %d dead-lettered%n",
                    stats.recordsWritten(), stats.recordsDeadLettered());
            return verify(c, stats);
        }
    }

    private void createTables(Connection c) throws SQLException, IOException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA upstream");
            st.execute("CREATE SCHEMA replica");
            st.execute("SET search_path = upstream");
            // The source's whole history, in order: the rows the connector's snapshot saw, then seven transactions.
            for (String line : resource("source.sql").split("\n")) {
                if (!line.isBlank() && !line.startsWith("--")) {
                    st.execute(line);
                }
            }
            st.execute("SET search_path = public");
            st.execute("CREATE TABLE replica.cdc_types (LIKE upstream.cdc_types INCLUDING ALL)");
        }
        out.println("source table upstream.cdc_types: "
                + Queries.countQuietly(c, "SELECT count(*) FROM upstream.cdc_types")
                + " rows after its history (source.sql); replica table replica.cdc_types: empty, same columns");
    }

    static Map<String, String> settings(String bootstrap, EmbeddedPostgresServer pg) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("kafka.bootstrap.servers", bootstrap);
        s.put("kafka.group.id", "pgsink-data-sync");
        s.put("postgres.url", pg.jdbcUrl());
        s.put("postgres.user", pg.user());
        s.put("postgres.password", pg.password());
        s.put("route.sync.topics", TOPIC);
        s.put("route.sync.table", "replica.cdc_types");
        s.put("route.sync.format", "debezium");
        s.put("route.sync.mode", "upsert");
        s.put("route.sync.key.source", "record-key");
        s.put("route.sync.deletes", "true");
        return s;
    }

    /** Runs a worker until the replica equals the source (or 60 s pass), then stops it cleanly. */
    private static SinkStats sink(Map<String, String> settings, Connection c) throws Exception {
        try (SinkWorker worker = SinkWorker.start(SinkConfig.parse(settings))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !(caughtUp(worker.stats()) && differences(c) == 0)) {
                if (!worker.health().isHealthy()) {
                    throw new IllegalStateException(
                            "worker unhealthy: " + worker.health().detail());
                }
                Thread.sleep(50);
            }
            return worker.stats();
        }
    }

    private static boolean caughtUp(SinkStats stats) {
        return stats.batchesCommitted() > 0 && stats.lag() == 0;
    }

    private static long differences(Connection c) throws SQLException {
        return Queries.countQuietly(c, "SELECT count(*) FROM (" + SOURCE_MINUS_REPLICA + ") d")
                + Queries.countQuietly(c, "SELECT count(*) FROM (" + REPLICA_MINUS_SOURCE + ") d");
    }

    private boolean verify(Connection c, SinkStats stats) throws SQLException {
        out.println("verification (every column of every row compared, both ways):");
        queries.printQuery(c, "SELECT id FROM upstream.cdc_types ORDER BY id");
        queries.printQuery(c, "SELECT id FROM replica.cdc_types ORDER BY id");
        int missing = queries.printQuery(c, SOURCE_MINUS_REPLICA);
        int extra = queries.printQuery(c, REPLICA_MINUS_SOURCE);
        long rows = Queries.countQuietly(c, "SELECT count(*) FROM replica.cdc_types");
        boolean ok = missing == 0 && extra == 0 && rows > 0 && stats.recordsDeadLettered() == 0;
        out.printf(
                "check: %s: %d rows in the replica, %d missing from it, %d extra in it%n",
                ok ? "replica equals source" : "MISMATCH", rows, missing, extra);
        return ok;
    }

    private static void publish(String bootstrap, List<RecordedEvent> events) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (RecordedEvent e : events) {
                producer.send(new ProducerRecord<>(TOPIC, 0, bytes(e.key()), bytes(e.value())));
            }
            producer.flush();
        }
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DataSyncExample.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + RESOURCES + name + " in the tools jar");
            }
            StringBuilder text = new StringBuilder();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                reader.lines().forEach(l -> text.append(l).append('\n'));
            }
            return text.toString();
        }
    }
}
