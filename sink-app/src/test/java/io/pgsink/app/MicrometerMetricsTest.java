package io.pgsink.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgsink.Health;
import io.pgsink.SinkEvent;
import io.pgsink.SinkStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MicrometerMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MicrometerMetrics metrics = new MicrometerMetrics(registry);

    private static SinkEvent.BatchCommitted committed(int rows, int deadLettered, long bytes, Duration took) {
        return new SinkEvent.BatchCommitted(
                "default",
                "public.orders",
                1,
                List.of(new SinkEvent.OffsetRange("orders", 0, 0, rows - 1)),
                rows,
                deadLettered,
                0,
                bytes,
                took,
                -1,
                Instant.now().minusSeconds(2),
                null,
                List.of());
    }

    @Test
    void everyCommittedBatchIsCountedInEachHistogramUnderItsRouteAndTable() {
        metrics.onEvent(committed(100, 0, 4_000, Duration.ofMillis(30)));
        metrics.onEvent(committed(300, 2, 12_000, Duration.ofMillis(70)));
        String scrape = registry.scrape();

        String labels = "{route=\"default\",table=\"public.orders\"}";
        assertThat(scrape)
                .contains("pgsink_records_written_total" + labels + " 400.0")
                .contains("pgsink_batches_committed_total" + labels + " 2.0")
                .contains("pgsink_batch_write_seconds_count" + labels + " 2")
                .contains("pgsink_batch_write_seconds_bucket{route=\"default\",table=\"public.orders\",le=\"0.05\"} 1")
                .contains("pgsink_batch_records_count" + labels + " 2")
                .contains("pgsink_batch_records_sum" + labels + " 402.0")
                .contains("pgsink_batch_bytes_count" + labels + " 2")
                .contains("pgsink_batch_bytes_sum" + labels + " 16000.0")
                .contains("pgsink_end_to_end_latency_seconds_count" + labels + " 2")
                .contains(
                        "pgsink_end_to_end_latency_seconds_bucket{route=\"default\",table=\"public.orders\",le=\"1.0\"} 0")
                .contains(
                        "pgsink_end_to_end_latency_seconds_bucket{route=\"default\",table=\"public.orders\",le=\"5.0\"} 2")
                .contains("# HELP pgsink_batch_write_seconds Time from a batch's hand-over to its commit");
        assertThat(metrics.recentLatencyP99Millis()).isBetween(2_000.0, 10_000.0);
    }

    @Test
    void deadLettersAreCountedByKindAndSqlStateClassAndRetriesByRoute() {
        metrics.onEvent(new SinkEvent.RecordsRejected("default", "public.orders", 3, "poison", "23505", "duplicate"));
        metrics.onEvent(new SinkEvent.RecordsRejected("default", "public.orders", 2, "decode", null, "not JSON"));
        metrics.onEvent(new SinkEvent.Retrying("default", "public.orders", 1, Duration.ZERO, "08006", "down"));
        String scrape = registry.scrape();

        assertThat(scrape)
                .contains("pgsink_records_dead_lettered_total{kind=\"poison\",route=\"default\",sqlstate_class=\"23\","
                        + "table=\"public.orders\"} 3.0")
                .contains(
                        "pgsink_records_dead_lettered_total{kind=\"decode\",route=\"default\",sqlstate_class=\"none\","
                                + "table=\"public.orders\"} 2.0")
                .contains("pgsink_write_retries_total{route=\"default\",table=\"public.orders\"} 1.0");
    }

    @Test
    void gaugesFollowTheStatusTakenBeforeEachScrape() {
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        StatusGauges gauges = new StatusGauges(simple);
        gauges.update(status(
                List.of(new SinkStatus.PartitionLag("orders", 0, 10), new SinkStatus.PartitionLag("orders", 1, 5))));
        assertThat(simple.get("pgsink.consumer.lag.records")
                        .tag("partition", "0")
                        .gauge()
                        .value())
                .isEqualTo(10);

        gauges.update(status(List.of(new SinkStatus.PartitionLag("orders", 1, 7))));

        assertThat(simple.find("pgsink.consumer.lag.records")
                        .tag("partition", "0")
                        .gauge())
                .isNull();
        assertThat(simple.get("pgsink.consumer.lag.records")
                        .tag("partition", "1")
                        .gauge()
                        .value())
                .isEqualTo(7);
        assertThat(simple.get("pgsink.lane.state")
                        .tags("lane", "0", "state", "DEGRADED")
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(simple.get("pgsink.lane.state")
                        .tags("lane", "0", "state", "RUNNING")
                        .gauge()
                        .value())
                .isZero();
        assertThat(simple.get("pgsink.worker.state")
                        .tag("state", "DEGRADED")
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(simple.get("pgsink.batch.size.target")
                        .tag("lane", "0")
                        .gauge()
                        .value())
                .isEqualTo(500);
    }

    @Test
    void theContractNamesAreRenderedForPrometheus() {
        metrics.refresh(status(List.of(new SinkStatus.PartitionLag("orders", 0, 10))));
        String scrape = registry.scrape();

        assertThat(scrape)
                .contains("pgsink_consumer_lag_records{partition=\"0\",topic=\"orders\"} 10.0")
                .contains("pgsink_lane_state{lane=\"0\",state=\"DEGRADED\"} 1.0")
                .contains("pgsink_worker_state{state=\"DEGRADED\"} 1.0")
                .contains("pgsink_batch_size_target{lane=\"0\"} 500.0")
                .contains("pgsink_buffered_bytes 4096.0")
                .contains("pgsink_paused_partitions 2.0")
                .contains("pgsink_last_commit_timestamp_seconds 1.7E9")
                .contains("# TYPE pgsink_offset_commit_failures_total counter");
    }

    private static SinkStatus status(List<SinkStatus.PartitionLag> lag) {
        return new SinkStatus(
                new Health(Health.Status.DEGRADED, "retrying"),
                List.of(new SinkStatus.Lane(0, Health.Status.DEGRADED, 500)),
                List.of(new SinkStatus.Route("default", "public.orders", Health.Status.DEGRADED)),
                lag,
                2,
                2,
                4096,
                Instant.ofEpochSecond(1_700_000_000),
                Instant.now(),
                0);
    }
}
