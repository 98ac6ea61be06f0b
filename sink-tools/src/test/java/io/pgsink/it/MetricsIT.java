package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.SinkEvent;
import io.pgsink.SinkListener;
import io.pgsink.SinkWorker;
import io.pgsink.testing.ChildJvm;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The worker's metrics and health through a real run with a database outage, scraped over HTTP as Prometheus and
 * Kubernetes would: the lag keeps rising while fetching is paused, every batch is in the histograms, the
 * dead-letter counter matches the topic, and readiness follows the database.
 */
class MetricsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Records whose account is null: the table refuses them (23502), so they are dead-lettered. */
    private static final int BAD = 7;

    private static final int TOMBSTONES = 3;

    @Test
    void metricsAndHealthFollowARunThroughADatabaseOutage() throws Exception {
        SinkFixture f = new SinkFixture("metrics", 2);
        String database = "db_" + f.table;
        f.execute("CREATE DATABASE " + database);
        String url = f.services.jdbcUrl().replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
        try (Connection c = DriverManager.getConnection(url, f.services.dbUser(), f.services.dbPassword());
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + f.table + " " + SinkFixture.TABLE_DDL);
        }
        f.produce(0, 1_000, id -> 1);
        f.produceValues(1_000, 1_000 + BAD, id -> "{\"id\":" + id + ",\"account\":null}");
        f.produceValues(1_500, 1_500 + TOMBSTONES, id -> null); // skipped: deletes are off
        int port = freePort();
        String http = "http://localhost:" + port;

        try (ChildJvm worker = f.childWorker(
                "postgres.url", url, "http.port", Integer.toString(port), "audit.table", "pgsink_audit")) {
            await().ignoreExceptions()
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> f.committedTotal() == 1_000 + BAD + TOMBSTONES);
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> status(http + "/health/ready") == 200);
            assertThat(status(http + "/health/live")).isEqualTo(200);
            assertThat(scrape(http).sum("pgsink_records_dead_lettered_total")).isEqualTo(f.deadLetterCount());

            // The outage: new connections refused, open ones dropped; writing retries and fetching pauses.
            f.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
            f.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
            f.produce(2_000, 3_000, id -> 1);
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> status(http + "/health/ready") == 503
                            && scrape(http).sum("pgsink_paused_partitions") == 2);
            assertThat(status(http + "/health/live"))
                    .as("alive while the database is down")
                    .isEqualTo(200);
            assertThat(status(http + "/health")).as("degraded, not failed").isEqualTo(200);
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> scrape(http).sum("pgsink_consumer_lag_records") == 1_000);

            f.produce(3_000, 5_000, id -> 1); // no partition is fetched now: only end offsets can show these
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> scrape(http).sum("pgsink_consumer_lag_records") == 3_000);
            assertThat(scrape(http).sum("pgsink_paused_partitions"))
                    .as("still paused")
                    .isEqualTo(2);
            assertThat(status(http + "/health/ready")).isEqualTo(503);

            f.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
            await().ignoreExceptions()
                    .atMost(Duration.ofMinutes(1))
                    .until(() -> f.committedTotal() == 4_000 + BAD + TOMBSTONES);
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> status(http + "/health/ready") == 200);
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> scrape(http).sum("pgsink_consumer_lag_records") == 0);

            Scrape end = scrape(http);
            long batches = end.sum("pgsink_batches_committed_total");
            assertThat(batches).isPositive();
            assertThat(end.sum("pgsink_batch_write_seconds_count")).isEqualTo(batches);
            assertThat(end.sum("pgsink_batch_records_count")).isEqualTo(batches);
            assertThat(end.sum("pgsink_batch_bytes_count")).isEqualTo(batches);
            assertThat(end.sum("pgsink_end_to_end_latency_seconds_count")).isEqualTo(batches);
            assertThat(end.sum("pgsink_batch_records_sum")).isEqualTo(4_000 + BAD + TOMBSTONES);
            assertThat(end.sum("pgsink_records_written_total")).isEqualTo(4_000);
            assertThat(end.sum("pgsink_records_skipped_total")).isEqualTo(TOMBSTONES);
            assertThat(end.sum("pgsink_records_dead_lettered_total"))
                    .isEqualTo(BAD)
                    .isEqualTo(f.deadLetterCount());
            assertThat(end.text()).contains("sqlstate_class=\"23\"");
            assertThat(end.sum("pgsink_write_retries_total")).isPositive();
            assertThat(end.text())
                    .contains("hikaricp_connections_active")
                    .contains("kafka_consumer_fetch_manager_records_consumed_total")
                    .contains("jvm_memory_used_bytes")
                    .contains("jvm_heap_used_peak_bytes")
                    .contains("process_cpu_usage");
            assertThat(MetricNamesInUse.inRulesAndDashboard())
                    .as("every metric the alert rules and the dashboard query is exported")
                    .allMatch(end::exports);
            assertThat(query(f, url, "SELECT count(*), sum(rows), sum(dead_lettered) FROM pgsink_audit"))
                    .as("one audit row per committed batch")
                    .containsExactly(batches, 4_000L, (long) BAD);
            assertThat(get(http + "/stats").body())
                    .contains("\"recordsWritten\":4000")
                    .contains("\"routes\":[{");
            worker.terminate();
            assertThat(worker.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aListenerThatThrowsOnEveryEventChangesNothingDelivered() throws Exception {
        SinkFixture f = new SinkFixture("listener", 3);
        f.produce(0, 3_000, id -> 1);
        AtomicInteger calls = new AtomicInteger();
        SinkListener throwing = event -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a broken listener");
        };
        AtomicInteger committedRows = new AtomicInteger();
        SinkListener counting = event -> {
            if (event instanceof SinkEvent.BatchCommitted c) {
                committedRows.addAndGet(c.rows());
            }
        };
        try (SinkWorker worker = SinkWorker.start(f.sinkConfig(), List.of(throwing, counting))) {
            await().ignoreExceptions().atMost(Duration.ofMinutes(1)).until(() -> f.committedTotal() == 3_000);
            assertThat(worker.health().isHealthy()).isTrue();
        }
        assertThat(calls.get()).isPositive();
        assertThat(committedRows.get())
                .as("the listener after the broken one saw every batch")
                .isEqualTo(3_000);
        assertThat(f.tableChecksum()).isEqualTo(SinkFixture.expectedChecksum(0, 3_000, id -> 1));
        assertThat(f.rowCount()).isEqualTo(3_000);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static HttpResponse<String> get(String uri) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(uri))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int status(String uri) {
        try {
            return get(uri).statusCode();
        } catch (Exception e) {
            return -1; // not listening yet
        }
    }

    private static Scrape scrape(String http) throws Exception {
        HttpResponse<String> response = get(http + "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return new Scrape(response.body());
    }

    private static List<Long> query(SinkFixture f, String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, f.services.dbUser(), f.services.dbPassword());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }

    /** One scrape of /metrics in the Prometheus text format. */
    private record Scrape(String text) {

        /** Whether a sample named {@code name} (with or without labels) is in the scrape. */
        boolean exports(String name) {
            return text.lines().anyMatch(line -> line.startsWith(name + " ") || line.startsWith(name + "{"));
        }

        /** The samples of a metric summed over their labels; fails when the metric is not exported. */
        long sum(String name) {
            double sum = 0;
            boolean found = false;
            for (String line : text.split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    found = true;
                }
            }
            assertThat(found).as(name + " exported in:\n" + text).isTrue();
            return Math.round(sum);
        }
    }
}
