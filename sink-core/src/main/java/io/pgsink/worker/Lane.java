package io.pgsink.worker;

import io.pgsink.batch.Batch;
import io.pgsink.batch.Batcher;
import io.pgsink.batch.SizeTarget;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import io.pgsink.write.BatchWriter;
import io.pgsink.write.FatalWriteException;
import io.pgsink.write.Fence;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer lane: a batcher fed by the poll thread and a single writer thread with its own connection. A
 * partition always maps to the same lane, and a lane writes its batches one after another, so records of a
 * partition are written in offset order. Everything but the writer thread's work runs on the poll thread.
 *
 * <p>While the writer is busy, due batches wait (at most {@link #MAX_IN_FLIGHT} are handed over), so under load
 * records accumulate into bigger batches instead of queueing as many small ones. A handed-over batch is decoded on
 * the lane's decoder thread, so the next batch is decoded while the writer waits for PostgreSQL on the current one.
 */
final class Lane {

    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);
    private static final int MAX_IN_FLIGHT = 2;
    /** How long an interrupted writer gets to roll back and return its connection. */
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(5);

    private final int id;
    private final Batcher batcher;
    private final BatchWriter writer;
    private final Queue<Completion> completions;
    private final HealthState health;
    private final Ownership ownership;
    private final ExecutorService thread;
    private final ExecutorService decoder;
    private final Deque<Batch> ready = new ArrayDeque<>();
    private final Deque<Future<?>> inFlight = new ArrayDeque<>();
    private long inFlightBytes;
    private long readyBytes;
    private volatile boolean failed;
    private volatile boolean stopping;

    /**
     * A batch this lane finished: every record handled, except those of {@code moved}, partitions taken from this
     * worker meanwhile, whose records were left to their next owner and whose offsets must not be committed.
     */
    record Completion(Lane lane, Batch batch, Map<PartitionRef, Long> lastOffsets, Set<PartitionRef> moved) {}

    Lane(
            int id,
            Batcher batcher,
            BatchWriter writer,
            Queue<Completion> completions,
            HealthState health,
            Ownership ownership) {
        this.id = id;
        this.ownership = ownership;
        this.batcher = batcher;
        this.writer = writer;
        this.completions = completions;
        this.health = health;
        this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "pgsink-writer-" + id));
        this.decoder = Executors.newSingleThreadExecutor(r -> new Thread(r, "pgsink-decoder-" + id));
    }

    void add(SinkRecord record) {
        if (failed) {
            return; // never committed past, so the records come back after a restart
        }
        batcher.add(record).ifPresent(this::ready);
    }

    /** Hands due batches to the writer: by size at once, by linger only when the writer is idle. */
    void tick() {
        if (failed) {
            return;
        }
        if (inFlight.isEmpty() && ready.isEmpty()) {
            batcher.pollDue().ifPresent(this::ready);
        }
        while (!ready.isEmpty() && inFlight.size() < MAX_IN_FLIGHT) {
            submit(ready.poll());
        }
    }

    /** Called on the poll thread when the writer reported {@code batch} done. */
    void completed(Batch batch) {
        inFlight.poll();
        inFlightBytes -= batch.bytes();
    }

    /** The batch size target in force now; safe to read from any thread. */
    int targetRecords() {
        return batcher.sizeTarget().records();
    }

    long bufferedBytes() {
        return batcher.pendingBytes() + readyBytes + inFlightBytes;
    }

    int id() {
        return id;
    }

    boolean failed() {
        return failed;
    }

    /** Drops pending and ready records of the partitions; the in-flight ones are waited for by the caller. */
    void discard(Set<PartitionRef> partitions) {
        batcher.discardIf(r -> partitions.contains(r.partitionRef()));
        List<Batch> kept = new ArrayList<>();
        for (Batch batch : ready) {
            List<SinkRecord> rest = new ArrayList<>(batch.records());
            rest.removeIf(r -> partitions.contains(r.partitionRef()));
            if (!rest.isEmpty()) {
                kept.add(new Batch(
                        rest, rest.stream().mapToLong(SinkRecord::sizeInBytes).sum(), batch.cutBySize()));
            }
        }
        ready.clear();
        readyBytes = 0;
        kept.forEach(this::ready);
    }

    /** Hands over everything buffered, ignoring the in-flight limit (shutdown). */
    void flushAll() {
        if (failed) {
            return;
        }
        batcher.drain().ifPresent(this::ready);
        while (!ready.isEmpty()) {
            submit(ready.poll());
        }
    }

    /** Waits for the batches handed over so far, until the deadline (in nanoTime); false if it passed. */
    boolean awaitInFlight(long deadlineNanos) throws InterruptedException {
        for (Future<?> future : List.copyOf(inFlight)) {
            try {
                future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                LOG.debug("lane {} batch failed", id, e.getCause());
            } catch (TimeoutException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops the writer after the batch it is writing, skipping queued ones, and closes its session; returns at
     * once. Called once the final offsets are committed: a batch started after that would be written again after
     * a restart.
     */
    void stop() {
        stopping = true;
        thread.submit(writer::close);
        thread.shutdown();
        decoder.shutdown(); // not shutdownNow: the writer may be waiting for a queued decode
    }

    /** Waits for {@link #stop}; past the timeout, interrupts a write or retry wait and waits briefly for that. */
    void awaitStopped(Duration timeout) throws InterruptedException {
        if (!thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            thread.shutdownNow();
            thread.awaitTermination(INTERRUPT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void ready(Batch batch) {
        ready.add(batch);
        readyBytes += batch.bytes();
    }

    private void submit(Batch batch) {
        readyBytes -= batch.bytes();
        inFlightBytes += batch.bytes();
        Future<DecodedBatch> decoded = decoder.submit(() -> writer.decode(batch));
        Map<PartitionRef, Long> lastOffsets = batch.lastOffsets(); // once: the completion carries it too
        Map<PartitionRef, Long> owned = ownership.snapshot(lastOffsets.keySet());
        Fence fence = new Fence(() -> ownership.movedSince(owned), ownership.generations(lastOffsets.keySet()));
        inFlight.add(thread.submit(() -> run(batch, lastOffsets, decoded, fence)));
    }

    private void run(Batch batch, Map<PartitionRef, Long> lastOffsets, Future<DecodedBatch> decoded, Fence fence) {
        if (failed || stopping) {
            return;
        }
        boolean handled = false;
        SizeTarget target = batcher.sizeTarget();
        try {
            long waitStart = System.nanoTime();
            DecodedBatch prepared = decodedBatch(decoded);
            long writeStart = System.nanoTime();
            long started = target.startWrite();
            int before = target.records();
            BatchWriter.Written written = writer.write(batch, prepared, fence);
            if (written.retries() == 0) {
                target.written(started, batch.cutBySize());
            } else {
                target.failed();
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "lane {}: wrote {} records ({}) after waiting {} ms for decoding, in {} ms",
                        id,
                        batch.size(),
                        batch.cutBySize() ? "cut by size" : "due",
                        (writeStart - waitStart) / 1_000_000,
                        (System.nanoTime() - writeStart) / 1_000_000);
            }
            if (target.records() != before) {
                LOG.debug("lane {}: batch size target {} -> {}", id, before, target.records());
            }
            Set<PartitionRef> moved = new HashSet<>(fence.moved().get());
            moved.addAll(written.moved());
            completions.add(new Completion(this, batch, lastOffsets, Set.copyOf(moved)));
            handled = true;
        } catch (FatalWriteException e) {
            fail(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handled = true; // shutting down: the batch stays uncommitted and is read again after a restart
        } catch (RuntimeException e) {
            fail("unexpected failure writing a batch: " + e, e);
        } finally {
            if (!handled && !failed) {
                // An Error escaped: stop the lane visibly rather than leave it waiting for a batch that never ends.
                fail("the writer thread died writing a batch; see the log", null);
            }
        }
    }

    private static DecodedBatch decodedBatch(Future<DecodedBatch> decoded) throws InterruptedException {
        try {
            return decoded.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("decoding a batch failed", e.getCause());
        }
    }

    private void fail(String message, Exception e) {
        failed = true;
        health.laneFailed(id, message);
        LOG.error(
                "writer lane {} stopped; its partitions are paused and their offsets not committed: {}",
                id,
                message,
                e);
    }
}
