package io.pgsink.client;

import io.pgsink.batch.AdaptiveSizeTarget;
import io.pgsink.batch.SizeTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A long-lived writer that many threads hand operations to. Each operation gets a future completed with its
 * outcome once the micro-batch it went in has committed (or with its failure: a bad operation fails alone). One
 * writer thread takes operations in the order they were queued and writes them in batches sized by the sink's
 * adaptive size target (grown while writes are fast and operations wait, shrunk when they are slow or fail); a
 * batch closes when it reaches the target or its linger time passed. The order of a key's operations is their
 * queue order.
 *
 * <p>Memory is bounded by {@code maxQueued} operations: when the queue is full, {@link WhenFull#BLOCK} makes the
 * caller wait and {@link WhenFull#FAIL} completes its future at once with a {@link RejectedExecutionException}.
 * While the database is down the writer keeps retrying its batch (the queue fills and callers block or fail fast);
 * no queued operation is dropped. A batch whose COMMIT went unanswered, and whose outcome the server could not tell
 * within the retry budget, is not written again (that could apply its operations twice): its futures fail with a
 * {@link DatabaseUnavailableException} whose {@link DatabaseUnavailableException#commitUnknown()} is true. {@link
 * #close} stops taking operations, writes what is queued, and fails what it could not write within its timeout.
 */
public final class QueueingWriter implements AutoCloseable {

    /** What a caller meets when the queue is full. */
    public enum WhenFull {
        /** Wait for room. */
        BLOCK,
        /** Fail the operation's future at once with a {@link RejectedExecutionException}. */
        FAIL
    }

    private record Pending(Op op, CompletableFuture<Outcome> future) {}

    private static final Duration INTERRUPTED_WRITER_WAIT = Duration.ofSeconds(10);

    private final BatchEngine engine;
    private final BlockingQueue<Pending> queue;
    private final WhenFull whenFull;
    private final Duration linger;
    private final Duration closeTimeout;
    private final SizeTarget size;
    private final Thread writer;
    private volatile boolean closing;
    private volatile long deadline; // of close(); read only once closing is set

    private QueueingWriter(Builder b) {
        this.engine = b.engine;
        this.queue = new ArrayBlockingQueue<>(b.maxQueued);
        this.whenFull = b.whenFull;
        this.linger = b.linger;
        this.closeTimeout = b.closeTimeout;
        this.size = new AdaptiveSizeTarget(Clock.systemUTC(), b.minBatch, b.maxBatch, b.targetLatency);
        this.writer = new Thread(this::writeLoop, "pgsink-queueing-writer");
        writer.setDaemon(true);
        writer.start();
    }

    public CompletableFuture<Outcome> insert(String table, Map<String, ?> values) {
        return submit(OperationKind.INSERT, table, values, Map.of(), List.of());
    }

    public CompletableFuture<Outcome> upsert(String table, Map<String, ?> values, String... keyColumns) {
        return submit(OperationKind.UPSERT, table, values, Map.of(), Arrays.asList(keyColumns));
    }

    public CompletableFuture<Outcome> update(String table, Map<String, ?> values, Map<String, ?> key) {
        BatchBuilder.requireKey(key);
        return submit(OperationKind.UPDATE, table, values, key, List.of());
    }

    public CompletableFuture<Outcome> delete(String table, Map<String, ?> key) {
        BatchBuilder.requireKey(key);
        return submit(OperationKind.DELETE, table, Map.of(), key, List.of());
    }

    /** Operations queued and not yet taken into a batch. */
    public int queued() {
        return queue.size();
    }

    private CompletableFuture<Outcome> submit(
            OperationKind kind, String table, Map<String, ?> values, Map<String, ?> key, List<String> keyColumns) {
        if (closing) {
            throw new IllegalStateException("the queueing writer is closed");
        }
        Pending pending =
                new Pending(BatchBuilder.op(0, kind, table, values, key, keyColumns), new CompletableFuture<>());
        if (whenFull == WhenFull.BLOCK) {
            try {
                queue.put(pending);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pending.future().completeExceptionally(e);
            }
        } else if (!queue.offer(pending)) {
            pending.future()
                    .completeExceptionally(new RejectedExecutionException("the queueing writer's queue is" + " full ("
                            + (queue.size() + queue.remainingCapacity()) + " operations): retry later"));
        }
        if (closing && !writer.isAlive()) {
            // close() raced this call: its writer ended before the operation was queued, so nothing else fails it.
            failRemaining(closedBeforeWritten());
        }
        return pending.future();
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        try (SessionLease lease = new SessionLease(engine)) {
            while (!(closing && queue.isEmpty())) {
                if (!fill(batch)) {
                    continue;
                }
                write(batch, lease);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // The batch in hand when close() gave up and interrupted the writer: taken from the queue, not written.
            batch.forEach(p -> p.future().completeExceptionally(closedBeforeWritten()));
            failRemaining(closedBeforeWritten());
        }
    }

    /** Takes the next batch: up to the size target, waiting up to the linger time after its first operation. */
    private boolean fill(List<Pending> batch) throws InterruptedException {
        Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
            return false;
        }
        batch.add(first);
        int target = size.records();
        long until = System.nanoTime() + linger.toNanos();
        while (batch.size() < target) {
            queue.drainTo(batch, target - batch.size());
            long left = until - System.nanoTime();
            if (batch.size() >= target || left <= 0 || closing) {
                break;
            }
            Pending next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return true;
    }

    /** Writes one batch until it commits (retrying through outages), then completes its futures. */
    private void write(List<Pending> batch, SessionLease lease) throws InterruptedException {
        List<Op> ops = new ArrayList<>(batch.size());
        batch.forEach(p -> ops.add(p.op()));
        boolean cutBySize = batch.size() >= size.records();
        while (true) {
            long started = size.startWrite();
            try {
                BatchEngine.Run run = engine.run(ops, lease, false);
                size.written(started, cutBySize);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).future().complete(reindexed(run.outcomes().get(i)));
                }
                return;
            } catch (DatabaseUnavailableException e) {
                size.failed();
                // A batch that may have committed is not written again: applied twice, an update then an insert
                // of one key would end with the update's value. Its callers learn that the outcome is unknown.
                if (e.commitUnknown() || (closing && System.nanoTime() - deadline > 0)) {
                    batch.forEach(p -> p.future().completeExceptionally(e));
                    return;
                }
                engine.awaitBreaker();
            } catch (RuntimeException e) {
                batch.forEach(p -> p.future().completeExceptionally(e));
                return;
            }
        }
    }

    /** An outcome carries the operation's place in its batch; for a queued operation that means nothing. */
    private static Outcome reindexed(Outcome outcome) {
        return new Outcome(0, outcome.kind(), outcome.table(), outcome.rowsAffected(), outcome.failure());
    }

    private void failRemaining(RuntimeException why) {
        for (Pending p = queue.poll(); p != null; p = queue.poll()) {
            p.future().completeExceptionally(why);
        }
    }

    /**
     * Stops taking operations and writes the queued ones; what is still unwritten after the close timeout fails
     * with {@link DatabaseUnavailableException}. Returns once every queued future is complete (unless the writer,
     * interrupted after the timeout, is inside a statement that outlasts ten more seconds: that batch's futures
     * complete when the statement ends, by the statement timeout at the latest).
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        deadline = System.nanoTime() + closeTimeout.toNanos();
        closing = true;
        try {
            writer.join(closeTimeout.plusSeconds(5).toMillis());
            if (writer.isAlive()) {
                writer.interrupt();
                // It fails the batch in hand on its way out: wait for that, or close() returns before those
                // futures complete. Waits are interruptible; a statement in flight ends by its statement timeout.
                writer.join(INTERRUPTED_WRITER_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            writer.interrupt();
            Thread.currentThread().interrupt();
        }
        failRemaining(closedBeforeWritten());
    }

    private static DatabaseUnavailableException closedBeforeWritten() {
        return new DatabaseUnavailableException(
                "the queueing writer closed before the operation was written", null, false);
    }

    /** Settings of a queueing writer; every one has a default. */
    public static final class Builder {
        private final BatchEngine engine;
        private int maxQueued = 100_000;
        private WhenFull whenFull = WhenFull.BLOCK;
        private Duration linger = Duration.ofMillis(20);
        private int minBatch = 100;
        private int maxBatch = 50_000;
        private Duration targetLatency = Duration.ofMillis(500);
        private Duration closeTimeout = Duration.ofSeconds(30);

        Builder(BatchEngine engine) {
            this.engine = engine;
        }

        /** At most this many operations wait in memory (default 100,000); then {@code whenFull} applies. */
        public Builder maxQueued(int operations, WhenFull whenFull) {
            if (operations < 1) {
                throw new IllegalArgumentException("maxQueued must be at least 1");
            }
            this.maxQueued = operations;
            this.whenFull = java.util.Objects.requireNonNull(whenFull);
            return this;
        }

        /** How long a batch waits for more operations after its first (default 20 ms). */
        public Builder linger(Duration linger) {
            this.linger = linger;
            return this;
        }

        /**
         * The adaptive batch size's bounds and the write latency it aims under (default 100 to 50,000 operations,
         * 500 ms), as {@code batch.min.records}, {@code batch.max.records} and {@code batch.target.latency.ms} for
         * the sink.
         */
        public Builder batchSize(int min, int max, Duration targetLatency) {
            this.minBatch = min;
            this.maxBatch = max;
            this.targetLatency = targetLatency;
            return this;
        }

        /** How long {@link QueueingWriter#close} keeps trying to write what is queued (default 30 s). */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        public QueueingWriter build() {
            return new QueueingWriter(this);
        }
    }
}
