package io.pgsink.worker;

import io.pgsink.Health;
import io.pgsink.SinkListener;
import io.pgsink.SinkStats;
import io.pgsink.SinkStatus;
import io.pgsink.config.SinkConfig;
import io.pgsink.consume.ConsumerStatus;
import io.pgsink.consume.PollLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
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
    private final ConsumerStatus consumerStatus;
    private final Thread pollThread;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Worker(SinkConfig config, Resources resources, WorkerParts parts, String workerId) {
        this.config = config;
        this.resources = resources;
        this.lanes = parts.lanes();
        this.pipeline = parts.pipeline();
        this.health = parts.health();
        this.counters = parts.counters();
        this.consumerStatus = new ConsumerStatus();
        this.pollLoop = PollLoop.create(config, workerId, pipeline, consumerStatus, parts.events());
        this.pollThread = new Thread(this::runPollLoop, "pgsink-poll");
    }

    /**
     * Connects, checks the table and starts consuming. Fails fast, before consuming anything, when the database
     * cannot be reached or the table does not fit the settings.
     */
    public static Worker start(SinkConfig config) {
        return start(config, List.of());
    }

    /**
     * {@link #start(SinkConfig)} with listeners: those given, then those {@link java.util.ServiceLoader} finds.
     */
    public static Worker start(SinkConfig config, List<SinkListener> listeners) {
        String workerId = "pgsink-" + UUID.randomUUID().toString().substring(0, 8);
        Events events = Events.registered(listeners);
        Resources resources = Resources.open(config, workerId, events);
        try {
            TableWriters writers = new TableWriters(config, resources);
            writers.openKnownTables();
            WorkerParts parts = WorkerParts.build(config, resources, writers, workerId, events);
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
        return counters.snapshot(target, consumerStatus.totalLag(), health.stoppedTables());
    }

    /** What the worker is doing now; no I/O. */
    public SinkStatus status() {
        List<SinkStatus.Lane> laneStates = lanes.stream()
                .map(l -> new SinkStatus.Lane(l.id(), health.laneState(l.id()), l.targetRecords()))
                .toList();
        long lastPoll = consumerStatus.lastPollMillis();
        return new SinkStatus(
                health.get(),
                laneStates,
                routeStates(routeState(laneStates)),
                consumerStatus.lag().entrySet().stream()
                        .map(e -> new SinkStatus.PartitionLag(
                                e.getKey().topic(), e.getKey().partition(), e.getValue()))
                        .sorted(Comparator.comparing(SinkStatus.PartitionLag::topic)
                                .thenComparingInt(SinkStatus.PartitionLag::partition))
                        .toList(),
                consumerStatus.assignedPartitions(),
                consumerStatus.pausedPartitions(),
                pipeline.bufferedBytes(),
                counters.lastCommit.get(),
                lastPoll < 0 ? null : Instant.ofEpochMilli(lastPoll),
                consumerStatus.offsetCommitFailures());
    }

    /** Each route's state: FAILED when one of its tables stopped, otherwise its lanes' (see {@link #routeState}). */
    private List<SinkStatus.Route> routeStates(Health.Status lanesState) {
        Set<String> stopped = health.stoppedTables().keySet();
        return config.routes().stream()
                .map(route -> new SinkStatus.Route(
                        route.name(),
                        route.table(),
                        stopped.stream().anyMatch(where -> where.startsWith("route " + route.name() + ", "))
                                ? Health.Status.FAILED
                                : lanesState))
                .toList();
    }

    /** A route's state is its worst lane's. */
    private static Health.Status routeState(List<SinkStatus.Lane> lanes) {
        return lanes.stream()
                .map(SinkStatus.Lane::state)
                .max(Comparator.comparingInt(Worker::severity))
                .orElse(Health.Status.STARTING);
    }

    private static int severity(Health.Status status) {
        return switch (status) {
            case RUNNING -> 0;
            case STARTING -> 1;
            case DEGRADED -> 2;
            case STOPPED -> 3;
            case FAILED -> 4;
        };
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
    private record WorkerParts(
            List<Lane> lanes, Pipeline pipeline, HealthState health, Counters counters, Events events) {

        static WorkerParts build(
                SinkConfig config, Resources resources, TableWriters writers, String workerId, Events events) {
            HealthState health = new HealthState(config.routes().size(), events);
            Counters counters = new Counters();
            ConcurrentLinkedQueue<Lane.Completion> completions = new ConcurrentLinkedQueue<>();
            Ownership ownership = new Ownership();
            List<Lane> lanes = new ArrayList<>();
            for (int i = 0; i < config.writeConcurrency(); i++) {
                HealthState.LaneHealth laneHealth = health.lane(i);
                TableOpener opener =
                        writers.forLane((route, table) -> counters.listener(laneHealth, events, route, table));
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
                            new Claims(resources.progress(), workerId, ownership),
                            events),
                    health,
                    counters,
                    events);
        }
    }
}
