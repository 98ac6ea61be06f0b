package io.pgsink.tools.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-to-end latency at a fixed offered load: a worker with default settings (COPY, adaptive batches, upsert)
 * starts on an empty topic; once it holds every partition, a producer thread sends events at the offered rate.
 * The worker starts cold (JIT, smallest batch size), so it first falls behind; the warm-up lasts until its
 * committed offsets have kept within {@value #CAUGHT_UP_MILLIS} ms of sending for {@value #STEADY_SECONDS} s in a
 * row, then {@link BenchOptions#LATENCY_SECONDS} more seconds are measured. Each row's {@code written_at - sent_at} is
 * the time from handing the event to the Kafka producer until the worker's transaction inserted the row;
 * PostgreSQL computes the percentiles, over the measured rows and, for the cold start, over all rows.
 */
final class LatencyRun {

    private static final Logger LOG = LoggerFactory.getLogger(LatencyRun.class);
    private static final long CAUGHT_UP_MILLIS = 100;
    private static final int STEADY_SECONDS = 5;
    private static final int MAX_WARMUP_SECONDS = 120;

    /**
     * @param achievedRate records sent over the producer's time, warm-up included, to compare with the offered rate
     * @param warmupSeconds from the first send until the worker had caught up; the cold start
     * @param caughtUp false when the worker had not caught up after {@value #MAX_WARMUP_SECONDS} s, and the
     *     measured rows were sent while it was still behind
     * @param measured percentiles over the rows sent after the warm-up
     * @param all percentiles over every row, cold start included
     * @param maxLateMillis how late the producer thread was at worst (see {@link PacedProducer})
     */
    record Latency(
            int concurrency,
            int offeredRate,
            double achievedRate,
            double warmupSeconds,
            boolean caughtUp,
            BenchDatabase.Percentiles measured,
            BenchDatabase.Percentiles all,
            double maxLateMillis,
            Measurement.WorkerFigures worker) {}

    private final BenchDatabase database;
    private final BenchKafka kafka;
    private final BenchOptions options;

    LatencyRun(BenchDatabase database, BenchKafka kafka, BenchOptions options) {
        this.database = database;
        this.kafka = kafka;
        this.options = options;
    }

    Latency measure(int concurrency) throws Exception {
        String name = "latency_c" + concurrency;
        String topic = "bench.latency.c" + concurrency;
        kafka.createTopic(topic, options.partitions());
        database.freshTable("bench_" + name);
        Map<String, String> settings = PipelineRun.baseSettings(database, kafka, topic, name);
        settings.put("write.concurrency", Integer.toString(concurrency));
        LOG.info("measuring latency at {} records/s with {} lane(s)", options.rate(), concurrency);
        try {
            Latency latency = run(concurrency, "bench_" + name, topic, settings);
            LOG.info("latency with {} lane(s): {}", concurrency, latency);
            return latency;
        } finally {
            database.drop("bench_" + name);
        }
    }

    private Latency run(int concurrency, String table, String topic, Map<String, String> settings) throws Exception {
        String group = settings.get("kafka.group.id");
        try (WorkerProcess worker = WorkerProcess.start(settings, BenchOptions.WORKER_XMX, List.of());
                KafkaProducer<byte[], byte[]> producer = kafka.producer(0)) {
            worker.awaitHealthy(Duration.ofSeconds(60));
            awaitAssignment(group, worker);
            PacedProducer paced = new PacedProducer(producer, topic, options.rate());
            Thread thread = new Thread(paced, "bench-producer");
            thread.setDaemon(true); // a failed measurement must not keep the JVM alive
            long start = System.nanoTime();
            thread.start();
            long boundary = awaitCaughtUp(group, worker, paced);
            double warmup = (System.nanoTime() - start) / 1e9;
            long total = boundary + (long) options.rate() * BenchOptions.LATENCY_SECONDS;
            paced.stopAt(total);
            PipelineRun.awaitCommitted(kafka, worker, group, total, PipelineRun.timeout(total));
            thread.join();
            Measurement.WorkerFigures figures = worker.stop();
            for (String window : database.slowestWindows(table, boundary, 5)) {
                LOG.info("{} slowest: {}", group, window);
            }
            return new Latency(
                    concurrency,
                    options.rate(),
                    paced.achievedRate(),
                    warmup,
                    warmup < MAX_WARMUP_SECONDS,
                    database.latencyMillis(table, boundary),
                    database.latencyMillis(table, 0),
                    paced.maxLateMillis(),
                    figures);
        }
    }

    /**
     * Waits until the worker's committed offsets have stayed within {@value #CAUGHT_UP_MILLIS} ms of sending for
     * {@value #STEADY_SECONDS} s in a row (or {@value #MAX_WARMUP_SECONDS} s have passed); returns the first id sent
     * after that: where the measured rows begin.
     */
    private long awaitCaughtUp(String group, WorkerProcess worker, PacedProducer paced)
            throws InterruptedException, IOException {
        long behindAllowed = options.rate() * CAUGHT_UP_MILLIS / 1000;
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(MAX_WARMUP_SECONDS).toNanos();
        long steadySince = -1;
        long nextLog = start;
        while (System.nanoTime() < deadline) {
            long sent = paced.sent();
            long committed = kafka.committed(group);
            long now = System.nanoTime();
            if (sent - committed > behindAllowed) {
                steadySince = -1;
            } else if (steadySince < 0) {
                steadySince = now;
            }
            if (steadySince >= 0
                    && now - steadySince >= Duration.ofSeconds(STEADY_SECONDS).toNanos()) {
                break;
            }
            worker.requireAlive();
            if (now >= nextLog) {
                LOG.info("{} warming up: sent {}, committed {}, {}", group, sent, committed, worker.progress());
                nextLog += 1_000_000_000L;
            }
            Thread.sleep(20);
        }
        return paced.sent();
    }

    /** Sending before the group has its partitions would measure the group join, not the pipeline. */
    private void awaitAssignment(String group, WorkerProcess worker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (kafka.assignedPartitions(group) < options.partitions()) {
            worker.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("group " + group + " did not take its partitions within 60 s");
            }
            Thread.sleep(20);
        }
    }
}
