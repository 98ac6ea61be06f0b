package io.pgsink.write;

import io.pgsink.batch.Batch;
import io.pgsink.deadletter.Rejection;
import io.pgsink.decode.DecodeException;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.error.Sleeper;
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

/**
 * One batch on its way into the table, across the attempts a {@link BatchWriter} makes: which of its partitions
 * are still this worker's, which rows are left to write, and which records the dead-letter topic has already
 * acknowledged (so a retried transaction does not send them again). Confined to the writer's thread.
 */
final class BatchAttempt {

    private static final Duration LEASE_POLL = Duration.ofMillis(50);

    private final Batch batch;
    private final List<SinkRecord> records;
    private final Fence fence;
    private final List<Rejection> decodeRejections = new ArrayList<>();
    private final Set<SinkRecord> deadLettered = Collections.newSetFromMap(new IdentityHashMap<>());
    private DecodedBatch rows;
    private Set<PartitionRef> gone = Set.of();

    BatchAttempt(Batch batch, DecodedBatch decoded, Fence fence) {
        this.batch = batch;
        this.records = batch.records();
        this.fence = fence;
        this.rows = decoded;
        for (Map.Entry<Integer, DecodeException> failure : decoded.failures().entrySet()) {
            decodeRejections.add(BatchWriter.decodeRejection(records.get(failure.getKey()), failure.getValue()));
        }
    }

    Fence fence() {
        return fence;
    }

    List<SinkRecord> records() {
        return records;
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

    /**
     * Before a COMMIT: throws if the consumer let go of a partition the batch still holds records of, and waits
     * while the consumer's membership lease has lapsed (a worker resuming from a freeze), until it is renewed or
     * the partitions are let go.
     */
    void checkOwnedBeforeCommit(Sleeper sleeper) throws PartitionsMovedException, InterruptedException {
        checkOwned();
        while (!fence.membershipCurrent().getAsBoolean()) {
            sleeper.sleep(LEASE_POLL);
            checkOwned();
        }
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
        return owned(decodeRejections);
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
        return (int)
                records.stream().filter(r -> !gone.contains(r.partitionRef())).count();
    }

    int deadLettered() {
        return (int) deadLettered.stream()
                .filter(r -> !gone.contains(r.partitionRef()))
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
