package io.pgsink.write;

import io.pgsink.batch.Batch;
import io.pgsink.deadletter.Rejection;
import io.pgsink.decode.DecodeException;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.error.RetryPolicy;
import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One batch on its way into the table, across the attempts a {@link BatchWriter} makes: which of its partitions
 * are still this worker's, which rows are left to write, and which records the dead-letter topic has already
 * acknowledged (so a retried transaction does not send them again). Confined to the writer's thread.
 */
final class BatchAttempt {

    private final Batch batch;
    private final List<SinkRecord> records;
    private final Fence fence;
    private final Map<Integer, Rejection> decodeRejections = new TreeMap<>();
    private final Set<SinkRecord> deadLettered = Collections.newSetFromMap(new IdentityHashMap<>());
    private DecodedBatch decoded;
    private DecodedBatch rows;
    private Set<PartitionRef> gone = Set.of();
    private int timeouts;
    private long parentWaitSince = -1;

    BatchAttempt(Batch batch, DecodedBatch decoded, Fence fence) {
        this.batch = batch;
        this.records = batch.records();
        this.fence = fence;
        decodedAgain(decoded);
    }

    /** The batch as decoded (all of it), by the schema generation that decoded it. */
    DecodedBatch decoded() {
        return decoded;
    }

    /** The batch was decoded again (the table's schema changed); nothing of it had committed. */
    void decodedAgain(DecodedBatch again) {
        decoded = again;
        Set<PartitionRef> left = gone;
        rows = left.isEmpty()
                ? again
                : again.select(i -> !left.contains(records.get(i).partitionRef()));
        decodeRejections.clear();
        for (Map.Entry<Integer, DecodeException> failure : again.failures().entrySet()) {
            decodeRejections.put(
                    failure.getKey(), BatchWriter.decodeRejection(records.get(failure.getKey()), failure.getValue()));
        }
    }

    /** Records that cannot be decoded, by batch index, for the drift trial. */
    Map<Integer, Rejection> decodeRejectionsByIndex() {
        return decodeRejections;
    }

    /** A transaction of this batch hit statement_timeout. */
    void timedOut() {
        timeouts++;
    }

    /** Whether parts that time out are split from now on, like poison, instead of retried unchanged. */
    boolean splitsTimeouts() {
        return timeouts >= FailurePolicy.TIMEOUTS_BEFORE_SPLIT;
    }

    /**
     * A part failed a foreign key (23503): waits for the parent row to arrive, as long as the batch's first such
     * failure is less than {@code error.foreign.key.retry.ms} ago; returns false, without waiting, once it is not.
     */
    boolean awaitParent(FailurePolicy policy, RetryPolicy retries, int attempt, WriteListener listener)
            throws InterruptedException {
        long now = policy.nowMillis();
        parentWaitSince = parentWaitSince < 0 ? now : parentWaitSince;
        long left = policy.foreignKeyRetry().toMillis() - (now - parentWaitSince);
        if (left <= 0) {
            return false;
        }
        Duration wait = retries.delay(attempt);
        wait = wait.compareTo(Duration.ofMillis(left)) < 0 ? wait : Duration.ofMillis(left);
        listener.retrying(
                attempt,
                wait,
                "23503",
                "a record's foreign key has no parent row yet (SQLSTATE 23503); waiting up to "
                        + policy.foreignKeyRetry().toMillis() + " ms for it before dead-lettering the record");
        retries.pause(wait);
        return true;
    }

    Fence fence() {
        return fence;
    }

    List<SinkRecord> records() {
        return records;
    }

    /** The records at these batch indexes, in batch order. */
    List<SinkRecord> recordsAt(List<Integer> indexes) {
        return indexes.stream().sorted().map(records::get).toList();
    }

    /** The rows still to write: those of partitions this worker still owns. */
    DecodedBatch rows() {
        return rows;
    }

    /** Leaves the records of {@code moved} to their next owner: not written, not dead-lettered, not counted. */
    void dropMoved(Set<PartitionRef> moved) {
        if (moved.isEmpty() || gone.containsAll(moved)) {
            return; // every batch: nothing moved
        }
        Set<PartitionRef> all = new HashSet<>(gone);
        all.addAll(moved);
        gone = all;
        rows = rows.select(i -> !all.contains(records.get(i).partitionRef()));
    }

    /** The partitions whose records were left to another owner. */
    Set<PartitionRef> moved() {
        return gone;
    }

    /** Whether no partition of the batch is left to this worker. */
    boolean isEmpty() {
        return !gone.isEmpty() && records.stream().allMatch(r -> gone.contains(r.partitionRef()));
    }

    /** Throws if the consumer let go of a partition the batch still holds records of. */
    void checkOwned() throws PartitionsMovedException {
        Set<PartitionRef> moved = fence.moved().get();
        if (moved.isEmpty() || gone.containsAll(moved)) {
            return;
        }
        Set<PartitionRef> held = new HashSet<>(moved);
        held.removeAll(gone);
        held.retainAll(batch.lastOffsets().keySet());
        if (!held.isEmpty()) {
            throw new PartitionsMovedException(held);
        }
    }

    /** Records that cannot be decoded, of partitions still owned. */
    List<Rejection> decodeRejections() {
        return owned(new ArrayList<>(decodeRejections.values()));
    }

    /** The records of partitions still owned, in the order they were read. */
    List<SinkRecord> ownedRecords() {
        return gone.isEmpty()
                ? records
                : records.stream().filter(r -> !gone.contains(r.partitionRef())).toList();
    }

    /** Of {@code rejections}, those of owned partitions the dead-letter topic has not acknowledged yet. */
    List<Rejection> notYetDeadLettered(List<Rejection> rejections) {
        return owned(rejections).stream()
                .filter(r -> !deadLettered.contains(r.record()))
                .toList();
    }

    void deadLettered(List<Rejection> acknowledged) {
        acknowledged.forEach(r -> deadLettered.add(r.record()));
    }

    /** Records of owned partitions. */
    int size() {
        if (gone.isEmpty()) {
            return records.size(); // every batch but one that lost a partition: no pass over the records
        }
        return (int)
                records.stream().filter(r -> !gone.contains(r.partitionRef())).count();
    }

    int deadLettered() {
        if (gone.isEmpty()) {
            return deadLettered.size();
        }
        return (int) deadLettered.stream()
                .filter(r -> !gone.contains(r.partitionRef()))
                .count();
    }

    /** Records of owned partitions that the route's rules skip (counted among {@link #written}). */
    int skipped() {
        if (gone.isEmpty()) {
            return decoded.skipped().size();
        }
        return (int) decoded.skipped().stream()
                .filter(i -> !gone.contains(records.get(i).partitionRef()))
                .count();
    }

    int written() {
        return size() - deadLettered();
    }

    /** Per owned partition, the offset after the batch's last record: where its next batch starts. */
    Map<PartitionRef, Long> nextOffsets() {
        Map<PartitionRef, Long> next = new HashMap<>();
        batch.lastOffsets().forEach((partition, last) -> {
            if (!gone.contains(partition)) {
                next.put(partition, last + 1);
            }
        });
        return next;
    }

    private List<Rejection> owned(List<Rejection> rejections) {
        if (gone.isEmpty()) {
            return rejections;
        }
        return rejections.stream()
                .filter(r -> !gone.contains(r.record().partitionRef()))
                .toList();
    }
}
