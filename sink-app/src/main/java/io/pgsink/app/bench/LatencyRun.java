package io.pgsink.app.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.FutureTask;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-to-end latency at a fixed offered load: a worker with default settings (COPY, adaptive batches, upsert)
 * runs on an empty topic; once it holds every partition, one thread sends events at the offered rate, first for a
 * warm-up that is not counted, then for the measured period. Each row's {@code written_at - sent_at} is the time
 * from handing the event to the Kafka producer until the row was inserted by the worker's transaction;
 * PostgreSQL computes the percentiles.
 */
final class LatencyRun {

    private static final Logger LOG = LoggerFactory.getLogger(LatencyRun.class);

    /**
     * @param achievedRate records sent over the producer's time, warm-up included, to compare with the offered rate
     * @param rows rows measured: those sent after the warm-up
     * @param maxLateMillis how late the producer thread was at worst (see {@link PacedProducer.Result})
     */
    record Latency(int concurrency, int offeredRate, double achievedRate, long rows, double p50Millis,
                   double p99Millis, double maxMillis, double maxLateMillis, Measurement.WorkerFigures worker) {
    }

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
        long warmup = (long) options.rate() * BenchOptions.LATENCY_WARMUP_SECONDS;
        long total = warmup + (long) options.rate() * BenchOptions.LATENCY_SECONDS;
        LOG.info("measuring latency at {} records/s with {} lane(s)", options.rate(), concurrency);
        PacedProducer.Result sent;
        Measurement.WorkerFigures figures;
        try (WorkerProcess worker = WorkerProcess.start(settings, BenchOptions.WORKER_XMX);
             KafkaProducer<byte[], byte[]> producer = kafka.producer(0)) {
            worker.awaitHealthy(Duration.ofSeconds(60));
            awaitAssignment("bench-" + name, worker);
            FutureTask<PacedProducer.Result> sending =
                new FutureTask<>(() -> PacedProducer.send(producer, topic, options.rate(), total));
            Thread thread = new Thread(sending, "bench-producer");
            thread.setDaemon(true); // a failed measurement must not keep the JVM alive
            thread.start();
            PipelineRun.awaitCommitted(kafka, worker, "bench-" + name, total, PipelineRun.timeout(total));
            sent = sending.get();
            figures = worker.stop();
        }
        BenchDatabase.Percentiles p = database.latencyMillis("bench_" + name, warmup);
        database.drop("bench_" + name);
        Latency latency = new Latency(concurrency, options.rate(), sent.sent() / sent.seconds(), p.rows(), p.p50(),
            p.p99(), p.max(), sent.maxLateMillis(), figures);
        LOG.info("latency with {} lane(s): p50 {} ms, p99 {} ms", concurrency, p.p50(), p.p99());
        return latency;
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
