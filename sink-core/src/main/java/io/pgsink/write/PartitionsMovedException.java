package io.pgsink.write;

import io.pgsink.model.PartitionRef;
import java.util.Set;

/**
 * Partitions of the batch being written were taken from this worker (revoked past the wait, lost, or the worker
 * shut down past its deadline) after the batch was handed over: its transaction must not commit their records,
 * which the partitions' next owner writes.
 */
final class PartitionsMovedException extends Exception {

    private final Set<PartitionRef> partitions;

    PartitionsMovedException(Set<PartitionRef> partitions) {
        super("partitions moved to another owner: " + partitions, null, true, false);
        this.partitions = Set.copyOf(partitions);
    }

    Set<PartitionRef> partitions() {
        return partitions;
    }
}
