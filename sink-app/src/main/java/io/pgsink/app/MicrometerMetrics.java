package io.pgsink.app;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.pgsink.ClientObserver;
import io.pgsink.SinkEvent;
import io.pgsink.SinkListener;
import io.pgsink.SinkStats;
import io.pgsink.SinkStatus;
import io.pgsink.SinkWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * pgsink's metrics in Micrometer: counters and histograms from the worker's events, gauges read from its status
 * when scraped (call {@link #refresh()} first), and Micrometer's own instrumentation of the pool (HikariCP's
 * tracker) and the Kafka clients ({@link KafkaClientMetrics}). Names are Prometheus's once rendered:
 * {@code pgsink.batch.write} becomes {@code pgsink_batch_write_seconds}; docs/operations.md lists them all.
 *
 * <p>The adapter between sink-core's listener API and Micrometer: sink-core knows nothing of Micrometer.
 */
final class MicrometerMetrics implements SinkListener, ClientObserver, AutoCloseable {

    private final MeterRegistry registry;
    private final Map<List<String>, RouteMeters> routes = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<Object, KafkaClientMetrics> kafkaClients = new ConcurrentHashMap<>();
    private final StatusGauges gauges;
    private final RecentLatencies latencies = new RecentLatencies();
    private volatile SinkWorker worker;

    MicrometerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.gauges = new StatusGauges(registry);
        gauge("pgsink.buffered", "bytes", "Record bytes held in batches not yet written", s -> s.bufferedBytes());
        gauge(
                "pgsink.paused.partitions",
                null,
                "Assigned partitions whose fetching is paused",
                s -> s.pausedPartitions());
        gauge(
                "pgsink.last.commit.timestamp",
                "seconds",
                "Unix time of the last committed batch (0 before the first)",
                s -> s.lastCommit() == null ? 0 : s.lastCommit().toEpochMilli() / 1e3);
        FunctionCounter.builder(
                        "pgsink.offset.commit.failures",
                        this,
                        m -> m.status() == null ? 0 : m.status().offsetCommitFailures())
                .description("Kafka offset commits that failed (each is retried with the next commit)")
                .register(registry);
        Gauge.builder(
                        "pgsink.batch.last.records",
                        this,
                        m -> m.worker == null ? Double.NaN : m.worker.stats().lastBatchRecords())
                .description("Records in the most recent batch")
                .register(registry);
    }

    /** Reads gauges from this worker from now on. */
    void watch(SinkWorker worker) {
        this.worker = worker;
    }

    /** Takes the worker's status for the gauges; call before each scrape. */
    void refresh() {
        SinkWorker w = worker;
        if (w != null) {
            refresh(w.status());
        }
    }

    void refresh(SinkStatus status) {
        gauges.update(status);
    }

    MeterRegistry registry() {
        return registry;
    }

    /** The 99th percentile of end-to-end latency over the recent batches, in milliseconds; NaN before any. */
    double recentLatencyP99Millis() {
        return latencies.p99Millis();
    }

    SinkStats stats() {
        SinkWorker w = worker;
        return w == null ? null : w.stats();
    }

    private SinkStatus status() {
        return gauges.last();
    }

    @Override
    public void onEvent(SinkEvent event) {
        if (event instanceof SinkEvent.BatchCommitted c) {
            committed(c);
        } else if (event instanceof SinkEvent.RecordsRejected r) {
            deadLettered(r).increment(r.count());
        } else if (event instanceof SinkEvent.Retrying r) {
            route(r.route(), r.table()).retries.increment();
        }
    }

    private void committed(SinkEvent.BatchCommitted c) {
        RouteMeters m = route(c.route(), c.table());
        m.written.increment(c.rows());
        m.batches.increment();
        m.writeTime.record(c.duration());
        m.records.record(c.rows() + c.deadLettered() + c.skipped());
        m.bytes.record(c.bytes());
        if (c.skipped() > 0) {
            // The event counts records skipped by policy; today that is a tombstone where deletes are off.
            m.skippedTombstones.increment(c.skipped());
        }
        Instant oldest = c.oldestRecordTimestamp();
        if (oldest != null) {
            Duration latency = Duration.between(oldest, Instant.now());
            if (!latency.isNegative()) {
                m.latency.record(latency);
                latencies.add(latency.toNanos());
            }
        }
    }

    private Counter deadLettered(SinkEvent.RecordsRejected r) {
        String sqlStateClass = r.sqlState() == null || r.sqlState().length() < 2
                ? "none"
                : r.sqlState().substring(0, 2);
        return deadLettered.computeIfAbsent(
                List.of(r.route(), r.table(), r.kind(), sqlStateClass),
                k -> Counter.builder("pgsink.records.dead.lettered")
                        .description(
                                "Records sent to the dead-letter topic (acknowledged), by failure kind and SQLSTATE class")
                        .tags("route", k.get(0), "table", k.get(1), "kind", k.get(2), "sqlstate_class", k.get(3))
                        .register(registry));
    }

    private RouteMeters route(String route, String table) {
        return routes.computeIfAbsent(List.of(route, table), k -> new RouteMeters(registry, route, table));
    }

    @Override
    public void opened(Object client) {
        if (client instanceof HikariDataSource pool) {
            pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        } else if (client instanceof Consumer<?, ?> consumer) {
            bind(client, new KafkaClientMetrics(consumer));
        } else if (client instanceof Producer<?, ?> producer) {
            bind(client, new KafkaClientMetrics(producer));
        }
    }

    private void bind(Object client, KafkaClientMetrics metrics) {
        metrics.bindTo(registry);
        kafkaClients.put(client, metrics);
    }

    @Override
    public void closing(Object client) {
        KafkaClientMetrics metrics = kafkaClients.remove(client);
        if (metrics != null) {
            metrics.close();
        }
    }

    @Override
    public void close() {
        kafkaClients.values().forEach(KafkaClientMetrics::close);
        kafkaClients.clear();
    }

    private void gauge(String name, String unit, String help, ToDoubleFunction<SinkStatus> value) {
        Gauge.builder(name, this, m -> m.status() == null ? Double.NaN : value.applyAsDouble(m.status()))
                .baseUnit(unit)
                .description(help)
                .register(registry);
    }

    /** The meters of one route and table. */
    private static final class RouteMeters {

        private static final Duration[] WRITE_BUCKETS =
                seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
        private static final Duration[] LATENCY_BUCKETS =
                seconds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300);
        private static final double[] RECORD_BUCKETS = {1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000
        };
        private static final double[] BYTE_BUCKETS = {
            1 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20, 256 << 20
        };

        final Counter written;
        final Counter batches;
        final Counter retries;
        final Counter skippedTombstones;
        final Timer writeTime;
        final Timer latency;
        final DistributionSummary records;
        final DistributionSummary bytes;

        RouteMeters(MeterRegistry registry, String route, String table) {
            String[] tags = {"route", route, "table", table};
            written = Counter.builder("pgsink.records.written")
                    .description("Records in a committed database transaction")
                    .tags(tags)
                    .register(registry);
            batches = Counter.builder("pgsink.batches.committed")
                    .description("Batches whose transaction committed")
                    .tags(tags)
                    .register(registry);
            retries = Counter.builder("pgsink.write.retries")
                    .description("Transient write failures retried (a database outage, a deadlock, a missing parent)")
                    .tags(tags)
                    .register(registry);
            skippedTombstones = Counter.builder("pgsink.records.skipped")
                    .description("Records skipped by policy, by reason")
                    .tags(tags)
                    .tag("reason", "tombstone")
                    .register(registry);
            writeTime = Timer.builder("pgsink.batch.write")
                    .description("Time from a batch's hand-over to its commit, retries included")
                    .tags(tags)
                    .serviceLevelObjectives(WRITE_BUCKETS)
                    .register(registry);
            latency = Timer.builder("pgsink.end.to.end.latency")
                    .description("Time from a batch's oldest record timestamp to the batch's commit")
                    .tags(tags)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry);
            records = DistributionSummary.builder("pgsink.batch.records")
                    .description("Records per committed batch")
                    .tags(tags)
                    .serviceLevelObjectives(RECORD_BUCKETS)
                    .register(registry);
            bytes = DistributionSummary.builder("pgsink.batch.bytes")
                    .baseUnit("bytes")
                    .description("Record bytes per committed batch")
                    .tags(tags)
                    .serviceLevelObjectives(BYTE_BUCKETS)
                    .register(registry);
        }

        private static Duration[] seconds(double... values) {
            Duration[] durations = new Duration[values.length];
            for (int i = 0; i < values.length; i++) {
                durations[i] = Duration.ofNanos((long) (values[i] * 1e9));
            }
            return durations;
        }
    }
}
