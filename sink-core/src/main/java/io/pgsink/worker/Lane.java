package io.pgsink.worker;

import io.pgsink.batch.Batch;
import io.pgsink.batch.SizeTarget;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import io.pgsink.schema.SchemaException;
import io.pgsink.write.BatchWriter;
import io.pgsink.write.FatalWriteException;
import io.pgsink.write.Fence;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer lane: a batcher per table ({@link LaneTable}, opened on the first record of a topic) fed by the poll
 * thread, and a single writer thread with one connection at a time. A partition always maps to the same lane and
 * the same table, and a lane writes its batches one after another, so records of a partition are written in offset
 * order. A batch holds one table's records only. Everything but the writer thread's work runs on the poll thread.
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
    private final TableOpener opener;
    private final Queue<Completion> completions;
    private final HealthState health;
    private final Ownership ownership;
    private final ExecutorService thread;
    private final ExecutorService decoder;
    private final Map<String, LaneTable> byTopic = new HashMap<>(); // poll thread only
    private final Map<String, LaneTable> tables = new ConcurrentHashMap<>(); // by route and table
    private final Deque<Ready> ready = new ArrayDeque<>();
    private final Deque<Future<?>> inFlight = new ArrayDeque<>();
    private final int initialTarget;
    private LaneTable lastWritten; // writer thread only
    private long inFlightBytes;
    private long readyBytes;
    private volatile boolean stopping;

    /**
     * A batch this lane finished: every record handled, except those of {@code moved}, partitions taken from this
     * worker meanwhile, whose records were left to their next owner and whose offsets must not be committed.
     */
    record Completion(Lane lane, Batch batch, Map<PartitionRef, Long> lastOffsets, Set<PartitionRef> moved) {}

    /** A due batch and the table it is for. */
    private record Ready(LaneTable table, Batch batch) {}

    /**
     * @param opener makes the part of this lane for a topic's table, on the topic's first record
     * @param initialTarget the batch size target reported before any table is open
     */
    Lane(
            int id,
            TableOpener opener,
            int initialTarget,
            Queue<Completion> completions,
            HealthState health,
            Ownership ownership) {
        this.id = id;
        this.opener = opener;
        this.initialTarget = initialTarget;
        this.ownership = ownership;
        this.completions = completions;
        this.health = health;
        this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "pgsink-writer-" + id));
        this.decoder = Executors.newSingleThreadExecutor(r -> new Thread(r, "pgsink-decoder-" + id));
    }

    void add(SinkRecord record) {
        LaneTable table = tableOf(record);
        if (table.failed()) {
            return; // never committed past, so the records come back after a restart
        }
        table.batcher().add(record).ifPresent(batch -> ready(table, batch));
    }

    /** The part of this lane for the topic's table, opened (and shared by topics of one table) on first use. */
    private LaneTable tableOf(SinkRecord record) {
        String topic = record.topic();
        LaneTable known = byTopic.get(topic);
        if (known != null) {
            return known;
        }
        LaneTable opened = opener.open(record);
        LaneTable table = opened.failed()
                ? opened
                : tables.computeIfAbsent(opened.route() + '\u0000' + opened.table(), k -> opened);
        byTopic.put(topic, table);
        if (table.failed()) {
            health.tableFailed(table.route(), table.table(), table.failure());
            LOG.error(
                    "{}: records of topic {} are not written and not committed: {}",
                    table.describe(),
                    topic,
                    table.failure());
        }
        return table;
    }

    /** Hands due batches to the writer: by size at once, by linger only when the writer is idle. */
    void tick() {
        if (inFlight.isEmpty() && ready.isEmpty()) {
            for (LaneTable table : tables.values()) {
                if (!table.failed()) {
                    table.batcher().pollDue().ifPresent(batch -> ready(table, batch));
                }
            }
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

    /** The batch size target in force now, averaged over this lane's tables; safe to read from any thread. */
    int targetRecords() {
        return (int) tables.values().stream()
                .filter(t -> !t.failed())
                .mapToInt(t -> t.batcher().sizeTarget().records())
                .average()
                .orElse(initialTarget);
    }

    long bufferedBytes() {
        long pending = tables.values().stream()
                .filter(t -> t.batcher() != null)
                .mapToLong(t -> t.batcher().pendingBytes())
                .sum();
        return pending + readyBytes + inFlightBytes;
    }

    int id() {
        return id;
    }

    /** Whether the partition's table stopped on a fatal failure: its partition must stay paused. */
    boolean failed(PartitionRef partition) {
        LaneTable table = byTopic.get(partition.topic());
        return table != null && table.failed();
    }

    /** Drops pending and ready records of the partitions; the in-flight ones are waited for by the caller. */
    void discard(Set<PartitionRef> partitions) {
        tables.values().stream()
                .filter(t -> t.batcher() != null)
                .forEach(t -> t.batcher().discardIf(r -> partitions.contains(r.partitionRef())));
        List<Ready> kept = new ArrayList<>();
        for (Ready due : ready) {
            List<SinkRecord> rest = new ArrayList<>(due.batch().records());
            rest.removeIf(r -> partitions.contains(r.partitionRef()));
            if (!rest.isEmpty()) {
                long bytes = rest.stream().mapToLong(SinkRecord::sizeInBytes).sum();
                kept.add(new Ready(
                        due.table(), new Batch(rest, bytes, due.batch().cutBySize())));
            }
        }
        ready.clear();
        readyBytes = 0;
        kept.forEach(due -> ready(due.table(), due.batch()));
    }

    /** Hands over everything buffered, ignoring the in-flight limit (shutdown). */
    void flushAll() {
        for (LaneTable table : tables.values()) {
            if (!table.failed()) {
                table.batcher().drain().ifPresent(batch -> ready(table, batch));
            }
        }
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
        thread.submit(() -> tables.values().stream()
                .filter(t -> t.writer() != null)
                .forEach(t -> t.writer().close()));
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

    private void ready(LaneTable table, Batch batch) {
        ready.add(new Ready(table, batch));
        readyBytes += batch.bytes();
    }

    private void submit(Ready due) {
        Batch batch = due.batch();
        LaneTable table = due.table();
        readyBytes -= batch.bytes();
        inFlightBytes += batch.bytes();
        Future<DecodedBatch> decoded = decoder.submit(() -> table.writer().decode(batch));
        Map<PartitionRef, Long> lastOffsets = batch.lastOffsets(); // once: the completion carries it too
        Map<PartitionRef, Long> owned = ownership.snapshot(lastOffsets.keySet());
        Fence fence = new Fence(() -> ownership.movedSince(owned), ownership.generations(lastOffsets.keySet()));
        inFlight.add(thread.submit(() -> run(table, batch, lastOffsets, decoded, fence)));
    }

    /**
     * A lane holds one connection: when it moves on to another table, the previous table's session is closed,
     * so the pool's write.concurrency + 2 connections hold however many tables the routes name.
     */
    private void switchTo(LaneTable table) {
        if (lastWritten != null && lastWritten != table) {
            lastWritten.writer().close();
        }
        lastWritten = table;
    }

    private void run(
            LaneTable table,
            Batch batch,
            Map<PartitionRef, Long> lastOffsets,
            Future<DecodedBatch> decoded,
            Fence fence) {
        if (table.failed() || stopping) {
            unhandled(batch, lastOffsets);
            return;
        }
        boolean handled = false;
        SizeTarget target = table.batcher().sizeTarget();
        BatchWriter writer = table.writer();
        switchTo(table);
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
                        "lane {}: wrote {} records to {} ({}) after waiting {} ms for decoding, in {} ms",
                        id,
                        table.table(),
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
            fail(table, e.getMessage(), e);
        } catch (SchemaException e) {
            fail(table, e.getMessage(), e); // the table cannot take the batch as it is (schema evolution refused)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handled = true; // shutting down: the batch stays uncommitted and is read again after a restart
        } catch (RuntimeException e) {
            fail(table, "unexpected failure writing a batch: " + e, e);
        } finally {
            if (!handled && !table.failed()) {
                // An Error escaped: stop the table visibly rather than leave it waiting for a batch that never ends.
                fail(table, "the writer thread died writing a batch; see the log", null);
            }
            if (!handled) {
                unhandled(batch, lastOffsets);
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

    /**
     * Frees the lane's in-flight place of a batch that was not written (its table failed), committing none of its
     * offsets: the lane goes on with its other tables, and the records are read again after a restart.
     */
    private void unhandled(Batch batch, Map<PartitionRef, Long> lastOffsets) {
        completions.add(new Completion(this, batch, lastOffsets, Set.copyOf(lastOffsets.keySet())));
    }

    private void fail(LaneTable table, String message, Exception e) {
        table.fail(message);
        health.tableFailed(table.route(), table.table(), message);
        LOG.error(
                "writer lane {} stopped writing {}; its partitions are paused and their offsets not committed: {}",
                id,
                table.describe(),
                message,
                e);
    }
}
