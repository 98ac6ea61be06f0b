package io.pgsink.worker;

import io.pgsink.Health;
import io.pgsink.SinkStats;
import io.pgsink.config.SinkConfig;
import io.pgsink.consume.LagGauge;
import io.pgsink.consume.PollLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running worker behind {@link io.pgsink.Worker}: opens the resources, builds the lanes and the pipeline,
 * runs the poll loop on its own thread and closes everything in order. Internal: applications use the facade.
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private final SinkConfig config;
    private final Resources resources;
    private final PollLoop pollLoop;
    private final List<Lane> lanes;
    private final Pipeline pipeline;
    private final HealthState health;
    private final Counters counters;
    private final LagGauge lag;
    private final Thread pollThread;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Worker(SinkConfig config, Resources resources, WorkerParts parts, String workerId) {
        this.config = config;
        this.resources = resources;
        this.lanes = parts.lanes();
        this.pipeline = parts.pipeline();
        this.health = parts.health();
        this.counters = parts.counters();
        this.lag = new LagGauge();
        this.pollLoop = PollLoop.create(config, workerId, pipeline, lag);
        this.pollThread = new Thread(this::runPollLoop, "pgsink-poll");
    }

    /**
     * Connects, checks the table and starts consuming. Fails fast, before consuming anything, when the database
     * cannot be reached or the table does not fit the settings.
     */
    public static Worker start(SinkConfig config) {
        String workerId = "pgsink-" + UUID.randomUUID().toString().substring(0, 8);
        Resources resources = Resources.open(config, workerId);
        try {
            TableWriters writers = new TableWriters(config, resources);
            writers.openKnownTables();
            WorkerParts parts = WorkerParts.build(config, resources, writers, workerId);
            Worker worker = new Worker(config, resources, parts, workerId);
            worker.pollThread.start();
            worker.health.running();
            LOG.info(
                    "pgsink worker started: {} route(s), {} writer lane(s), {}",
                    config.routes().size(),
                    parts.lanes().size(),
                    config.exactlyOnce()
                            ? "exactly-once (progress in " + config.progressTable() + ")"
                            : "at-least-once");
            return worker;
        } catch (RuntimeException e) {
            List<Exception> failures = new ArrayList<>();
            resources.closeAll(failures);
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    public Health health() {
        return health.get();
    }

    public SinkStats stats() {
        int target =
                (int) lanes.stream().mapToInt(Lane::targetRecords).average().orElse(0);
        return counters.snapshot(target, lag.records(), health.stoppedTables());
    }

    /** Blocks until the worker has stopped (after {@link #close()} or a fatal consumer error). */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        pollThread.join(timeout.toMillis());
        return !pollThread.isAlive();
    }

    /**
     * Stops: finishes and commits the in-flight batches, closes the consumer, the writer lanes, the dead-letter
     * producer and the pool, in that order, within about twice {@code shutdown.timeout.ms}. Idempotent.
     */
    @Override
    public synchronized void close() {
        // synchronized: a second caller (a signal's shutdown hook) waits for a close already under way.
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pollLoop.shutdown();
        List<Exception> failures = new ArrayList<>();
        try {
            pollThread.join(config.shutdownTimeout().multipliedBy(2).toMillis());
            lanes.forEach(Lane::stop);
            long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
            for (Lane lane : lanes) {
                lane.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(e);
        }
        resources.closeAll(failures);
        health.stopped();
        LOG.info("pgsink worker stopped");
    }

    private void runPollLoop() {
        try {
            pollLoop.run();
        } catch (RuntimeException e) {
            health.failed("the Kafka consumer stopped: " + e);
            LOG.error("the poll loop stopped on an unexpected error; offsets past the last commit stay uncommitted", e);
        }
    }

    /** The stages that carry records, built once the resources are open. */
    private record WorkerParts(List<Lane> lanes, Pipeline pipeline, HealthState health, Counters counters) {

        static WorkerParts build(SinkConfig config, Resources resources, TableWriters writers, String workerId) {
            HealthState health = new HealthState(config.routes().size());
            Counters counters = new Counters();
            ConcurrentLinkedQueue<Lane.Completion> completions = new ConcurrentLinkedQueue<>();
            Ownership ownership = new Ownership();
            List<Lane> lanes = new ArrayList<>();
            for (int i = 0; i < config.writeConcurrency(); i++) {
                TableOpener opener = writers.forLane(counters.listener(health.lane(i)));
                lanes.add(new Lane(i, opener, writers.initialTarget(), completions, health, ownership));
            }
            return new WorkerParts(
                    lanes,
                    new Pipeline(
                            lanes,
                            completions,
                            config.bufferMaxBytes(),
                            health,
                            ownership,
                            new Claims(resources.progress(), workerId, ownership)),
                    health,
                    counters);
        }
    }
}
