package io.pgsink;

import io.pgsink.config.SinkConfig;
import io.pgsink.worker.Worker;
import java.time.Duration;
import java.util.List;

/**
 * A pgsink worker: consumes the configured topics in its consumer group, writes each micro-batch to PostgreSQL in
 * one transaction, and commits Kafka offsets only after that transaction has committed.
 *
 * <h2>Delivery</h2>
 * At least once, and effectively once in upsert mode: an offset is committed only when every record below it is
 * in a committed PostgreSQL transaction or acknowledged by the dead-letter topic. A crash (even SIGKILL) loses
 * nothing; records written but not yet committed in Kafka are written again after a restart, which upsert mode
 * absorbs. A clean {@link #close()} finishes in-flight batches and commits, so a restart writes nothing twice.
 * When partitions are revoked in a rebalance, their in-flight batches are finished and committed before they move.
 *
 * <h2>Threads</h2>
 * One thread owns the Kafka consumer; each writer lane ({@code write.concurrency}) has a thread and a pooled
 * connection of its own. All public methods are thread safe.
 */
public final class SinkWorker implements AutoCloseable {

    private final Worker worker;

    private SinkWorker(Worker worker) {
        this.worker = worker;
    }

    /**
     * Connects, checks the table and starts consuming. Fails fast, before consuming anything, when the database
     * cannot be reached or the table does not fit the settings.
     */
    public static SinkWorker start(SinkConfig config) {
        return start(config, List.of());
    }

    /**
     * {@link #start(SinkConfig)}, telling {@code listeners} what the worker does, then any listener that
     * {@link java.util.ServiceLoader} finds ({@code META-INF/services/io.pgsink.SinkListener}). A listener that also
     * implements {@link ClientObserver} is told of the worker's clients as they open.
     */
    public static SinkWorker start(SinkConfig config, List<SinkListener> listeners) {
        return new SinkWorker(Worker.start(config, listeners));
    }

    public Health health() {
        return worker.health();
    }

    /** What the worker is doing now (lanes, lag, paused partitions, buffered bytes); cheap, no I/O. */
    public SinkStatus status() {
        return worker.status();
    }

    public SinkStats stats() {
        return worker.stats();
    }

    /** Blocks until the worker has stopped (after {@link #close()} or a fatal consumer error). */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return worker.awaitStop(timeout);
    }

    /**
     * Stops: finishes and commits the in-flight batches, closes the consumer, the writer lanes, the dead-letter
     * producer and the pool, in that order, within about twice {@code shutdown.timeout.ms}. Idempotent.
     */
    @Override
    public void close() {
        worker.close();
    }
}
