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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The ETL example: a CSV file of bike-share trips read line by line, each line typed and checked (malformed lines
 * rejected and counted), published as JSON to Kafka, and loaded into a table by a pgsink worker, whose mapping drops
 * and renames fields; rows the table refuses go to the dead-letter topic. Ends with a summary that accounts for
 * every line.
 */
final class EtlExample {

    static final String TOPIC = "etl.trips";
    static final int PARTITIONS = 3;
    static final String RESOURCE = "/io/pgsink/tools/examples/etl/trips.csv";
    static final String TABLE_DDL = "CREATE TABLE trips (id uuid PRIMARY KEY,"
            + " started_at timestamptz NOT NULL, ended_at timestamptz NOT NULL, duration_s integer NOT NULL,"
            + " start_station text NOT NULL, end_station text NOT NULL, bike_type text NOT NULL,"
            + " rider_type text NOT NULL, distance_km numeric(6,2) NOT NULL, fare_eur numeric(8,2) NOT NULL,"
            + " extras jsonb NOT NULL,"
            + " CONSTRAINT trips_ended_after_started CHECK (ended_at >= started_at),"
            + " CONSTRAINT trips_fare_not_negative CHECK (fare_eur >= 0))";
    private static final int PROGRESS_LINES = 500;
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(120);

    private final PrintStream out;
    private final Queries queries;
    private final EtlReport report;

    EtlExample(PrintStream out) {
        this.out = out;
        this.queries = new Queries(out);
        this.report = new EtlReport(out);
    }

    boolean run(String file) throws Exception {
        out.println("starting embedded PostgreSQL and Kafka (a few seconds)...");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(false);
                EmbeddedKafka kafka = EmbeddedKafka.start();
                Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            try (Statement st = c.createStatement()) {
                st.execute(TABLE_DDL);
            }
            out.println("created table trips (CHECK: ended_at >= started_at, fare_eur >= 0)");
            kafka.createTopic(TOPIC, PARTITIONS);
            Map<String, String> settings = settings(kafka.bootstrapServers(), pg);
            out.println("worker configuration (pgsink.properties):");
            settings.forEach((k, v) -> out.println("  " + k + "=" + (k.contains("password") ? "****" : v)));
            SinkStats stats;
            try (SinkWorker worker = SinkWorker.start(SinkConfig.parse(settings));
                    BufferedReader reader = open(file)) {
                extractAndPublish(reader, kafka.bootstrapServers(), c);
                stats = awaitLoaded(worker, c);
            }
            return verify(c, kafka.bootstrapServers(), stats);
        }
    }

    static Map<String, String> settings(String bootstrap, EmbeddedPostgresServer pg) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("kafka.bootstrap.servers", bootstrap);
        s.put("kafka.group.id", "pgsink-etl");
        s.put("postgres.url", pg.jdbcUrl());
        s.put("postgres.user", pg.user());
        s.put("postgres.password", pg.password());
        s.put("route.trips.topics", TOPIC);
        s.put("route.trips.table", "trips");
        s.put("route.trips.mode", "insert");
        // startedAt -> started_at and so on; two fields renamed; the free-text note is not loaded.
        s.put("route.trips.mapping.naming", "snake-case");
        s.put("route.trips.mapping.rename", "tripId:id,memberType:rider_type");
        s.put("route.trips.mapping.exclude", "riderNote");
        return s;
    }

    private BufferedReader open(String file) throws IOException {
        if (file != null) {
            out.println("reading " + file);
            return Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
        }
        InputStream in = EtlExample.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("no resource " + RESOURCE + " in the tools jar");
        }
        out.println("reading examples/etl/trips.csv (the copy inside the tools jar)");
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private void extractAndPublish(BufferedReader reader, String bootstrap, Connection c)
            throws IOException, SQLException {
        String header = reader.readLine();
        if (header == null || !CsvLine.split(header).equals(TripTransform.HEADER)) {
            throw new IllegalStateException(
                    "the file's first line is not the header " + String.join(",", TripTransform.HEADER));
        }
        TripTransform transform = new TripTransform();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            String line;
            while ((line = reader.readLine()) != null) {
                report.read(transform.apply(line), result -> producer.send(record(result)));
                if (report.linesRead() % PROGRESS_LINES == 0) {
                    report.progress(Queries.countQuietly(c, "SELECT count(*) FROM trips"));
                }
            }
            producer.flush();
        }
        out.printf(
                "extract done: %,d data lines read, %,d published to %s, %,d rejected as malformed%n",
                report.linesRead(), report.published(), TOPIC, report.rejected());
    }

    private static ProducerRecord<byte[], byte[]> record(TripTransform.Result r) {
        return new ProducerRecord<>(
                TOPIC, r.key().getBytes(StandardCharsets.UTF_8), r.value().getBytes(StandardCharsets.UTF_8));
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** Until every published record is either written or dead-lettered, then stops the worker cleanly. */
    private SinkStats awaitLoaded(SinkWorker worker, Connection c) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        long nextProgress = 0;
        SinkStats stats = worker.stats();
        while (stats.recordsWritten() + stats.recordsDeadLettered() < report.published()) {
            Migration.requireHealthy(worker);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker did not load every record within " + LOAD_TIMEOUT);
            }
            if (System.nanoTime() > nextProgress) {
                out.printf(
                        "load: %,d written, %,d dead-lettered of %,d published%n",
                        stats.recordsWritten(), stats.recordsDeadLettered(), report.published());
                nextProgress = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            }
            Thread.sleep(100);
            stats = worker.stats();
        }
        out.printf(
                "load done: %,d written, %,d dead-lettered; rows in trips: %,d%n",
                stats.recordsWritten(),
                stats.recordsDeadLettered(),
                Queries.countQuietly(c, "SELECT count(*) FROM trips"));
        return stats;
    }

    private boolean verify(Connection c, String bootstrap, SinkStats stats) throws SQLException {
        report.printRejections();
        out.println("dead letters (rows the table refused), from " + TOPIC + ".dlt:");
        long deadLetters = report.printDeadLetters(bootstrap, TOPIC + ".dlt");
        out.println("the loaded table:");
        long rows = queries.count(c, "SELECT count(*) FROM trips");
        queries.printQuery(
                c,
                "SELECT bike_type, rider_type, count(*), sum(fare_eur) AS fares, round(avg(duration_s) / 60.0, 1)"
                        + " AS avg_minutes, count(*) FILTER (WHERE extras ->> 'promo' IS NOT NULL) AS promo"
                        + " FROM trips GROUP BY 1, 2 ORDER BY 1, 2");
        queries.printQuery(
                c,
                "SELECT id, started_at AT TIME ZONE 'UTC' AS started_utc, duration_s, rider_type, fare_eur, extras"
                        + " FROM trips ORDER BY started_at LIMIT 3");
        return report.summary(rows, deadLetters, stats);
    }
}
