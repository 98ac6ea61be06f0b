package io.pgsink.worker;

import io.pgsink.model.PartitionRef;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which partitions this worker still owns, as epochs, plus the generation each was claimed under in the progress
 * table (exactly-once), which the database checks in every batch transaction: the poll thread moves a partition's epoch on when the
 * partition is taken away (after the revocation's wait, or at once when lost) and moves every epoch on when the
 * worker closes; a writer thread compares the epochs a batch was handed over under with the current ones before it
 * commits. Thread safe.
 */
final class Ownership {

    private final Map<PartitionRef, Long> epochs = new ConcurrentHashMap<>();
    private final Map<PartitionRef, Long> generations = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** The partitions were claimed in the progress table under these generations. */
    void claimed(Map<PartitionRef, Long> claimedGenerations) {
        generations.putAll(claimedGenerations);
    }

    /** The progress table generations of {@code partitions} (exactly-once), for a batch handed over now. */
    Map<PartitionRef, Long> generations(Collection<PartitionRef> partitions) {
        if (generations.isEmpty()) {
            return Map.of();
        }
        Map<PartitionRef, Long> snapshot = new HashMap<>();
        for (PartitionRef partition : partitions) {
            Long generation = generations.get(partition);
            if (generation != null) {
                snapshot.put(partition, generation);
            }
        }
        return snapshot;
    }

    /** The current epochs of {@code partitions}, for a batch handed over now. */
    Map<PartitionRef, Long> snapshot(Collection<PartitionRef> partitions) {
        Map<PartitionRef, Long> snapshot = new HashMap<>();
        for (PartitionRef partition : partitions) {
            snapshot.put(partition, epochs.getOrDefault(partition, 0L));
        }
        return snapshot;
    }

    /** The partitions of {@code snapshot} that moved away since it was taken; usually none. */
    Set<PartitionRef> movedSince(Map<PartitionRef, Long> snapshot) {
        if (closed) {
            return snapshot.keySet();
        }
        Set<PartitionRef> moved = null;
        for (Map.Entry<PartitionRef, Long> entry : snapshot.entrySet()) {
            if (!entry.getValue().equals(epochs.getOrDefault(entry.getKey(), 0L))) {
                moved = moved == null ? new HashSet<>() : moved;
                moved.add(entry.getKey());
            }
        }
        return moved == null ? Set.of() : moved;
    }

    /** The partitions are no longer this worker's: batches handed over before now must not commit them. */
    void moved(Collection<PartitionRef> partitions) {
        partitions.forEach(p -> {
            epochs.merge(p, 1L, Long::sum);
            generations.remove(p);
        });
    }

    /** The worker has given up all its partitions (closing past its deadline). */
    void closeAll() {
        closed = true;
    }
}
