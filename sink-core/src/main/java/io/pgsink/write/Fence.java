package io.pgsink.write;

import io.pgsink.model.PartitionRef;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A batch's claim on its partitions, as it was when the batch was handed over.
 *
 * @param moved asks, at any moment, which of the batch's partitions this worker's consumer has let go of since
 * @param membershipCurrent whether the consumer's membership was confirmed recently enough to commit now (the
 *     lease of at-least-once mode, where no table fences a worker that was frozen past its session); a writer
 *     waits while it is not
 * @param generations the owner generation of each partition in the progress table (exactly-once); a transaction
 *     commits a partition's records only while the table still holds this generation. Empty in at-least-once mode.
 */
public record Fence(
        Supplier<Set<PartitionRef>> moved, Map<PartitionRef, Long> generations, BooleanSupplier membershipCurrent) {

    /** Owns everything, for good: for writes outside a consumer group (tests, tools). */
    public static final Fence NONE = new Fence(Set::of, Map.of());

    /** A fence whose consumer's membership needs no lease check. */
    public Fence(Supplier<Set<PartitionRef>> moved, Map<PartitionRef, Long> generations) {
        this(moved, generations, () -> true);
    }
}
