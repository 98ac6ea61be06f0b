package io.pgsink.batch;

import io.pgsink.model.SinkRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Groups records into micro-batches by a record-count target, a byte cap and a linger time. Pure: no I/O, no
 * threads, time from the injected clock. Not thread safe: one owner thread calls it.
 *
 * <p>A batch is due when it reaches the size target or the byte cap ({@link #add}), or when its first record has
 * waited {@code linger} ({@link #pollDue}). A record that would push the pending batch over the byte cap closes
 * the pending batch first, so a batch exceeds the cap only when one record alone does.
 */
public final class Batcher {

    private final Clock clock;
    private final SizeTarget target;
    private final long maxBytes;
    private final long lingerMillis;

    private List<SinkRecord> pending = new ArrayList<>();
    private long pendingBytes;
    private long firstAddedAt;

    public Batcher(Clock clock, SizeTarget target, long maxBytes, Duration linger) {
        if (maxBytes < 1 || linger.isNegative()) {
            throw new IllegalArgumentException("maxBytes must be >= 1 and linger >= 0");
        }
        this.clock = clock;
        this.target = target;
        this.maxBytes = maxBytes;
        this.lingerMillis = linger.toMillis();
    }

    /** Adds a record; returns the batch this made due, if any (which may not contain this record). */
    public Optional<Batch> add(SinkRecord record) {
        long size = record.sizeInBytes();
        Optional<Batch> closed = Optional.empty();
        if (!pending.isEmpty() && pendingBytes + size > maxBytes) {
            closed = Optional.of(take(true));
        }
        if (pending.isEmpty()) {
            firstAddedAt = clock.millis();
        }
        pending.add(record);
        pendingBytes += size;
        if (closed.isEmpty() && (pending.size() >= target.records() || pendingBytes >= maxBytes)) {
            closed = Optional.of(take(true));
        }
        return closed;
    }

    /** Returns the pending batch if its linger time has passed. */
    public Optional<Batch> pollDue() {
        return millisUntilDue() == 0 ? Optional.of(take(false)) : Optional.empty();
    }

    /** Returns whatever is pending, regardless of size or age. */
    public Optional<Batch> drain() {
        return pending.isEmpty() ? Optional.empty() : Optional.of(take(false));
    }

    /** Milliseconds until the pending batch is due by linger; {@code Long.MAX_VALUE} when nothing is pending. */
    public long millisUntilDue() {
        if (pending.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, firstAddedAt + lingerMillis - clock.millis());
    }

    /** Drops pending records that match, e.g. those of revoked partitions; returns how many were dropped. */
    public int discardIf(Predicate<SinkRecord> filter) {
        int before = pending.size();
        pending.removeIf(filter);
        pendingBytes = pending.stream().mapToLong(SinkRecord::sizeInBytes).sum();
        return before - pending.size();
    }

    /** The size target this batcher closes batches at, which the writer feeds back to. */
    public SizeTarget sizeTarget() {
        return target;
    }

    public int pendingRecords() {
        return pending.size();
    }

    public long pendingBytes() {
        return pendingBytes;
    }

    private Batch take(boolean cutBySize) {
        Batch batch = new Batch(pending, pendingBytes, cutBySize);
        pending = new ArrayList<>();
        pendingBytes = 0;
        return batch;
    }
}
