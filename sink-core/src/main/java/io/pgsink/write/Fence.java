package io.pgsink.write;

import io.pgsink.model.PartitionRef;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A batch's claim on its partitions, as it was when the batch was handed over.
 *
 * @param moved asks, at any moment, which of the batch's partitions this worker's consumer has let go of since
 * @param generations the owner generation of each partition in the progress table (exactly-once); a transaction
 *     commits a partition's records only while the table still holds this generation. Empty in at-least-once mode.
 */
public record Fence(Supplier<Set<PartitionRef>> moved, Map<PartitionRef, Long> generations) {

    /** Owns everything, for good: for writes outside a consumer group (tests, tools). */
    public static final Fence NONE = new Fence(Set::of, Map.of());
}
