package io.pgsink.consume;

import io.pgsink.model.PartitionRef;
import io.pgsink.model.SinkRecord;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the poll loop hands records to. Every method is called from the poll loop's thread only; an implementation
 * writes on threads of its own and reports back through {@link #takeHandled}.
 */
public interface RecordHandler {

    /**
     * Partitions were assigned. Returns where to start reading those the handler can take now (an offset, or -1 for
     * the group's committed offset); the others stay blocked until {@link #takeClaimed} returns them.
     */
    Map<PartitionRef, Long> assigned(Collection<PartitionRef> partitions);

    /** Partitions taken since the last call that could not be taken when assigned, with where to start reading. */
    Map<PartitionRef, Long> takeClaimed();

    /** Takes the records of one poll (possibly none: called on every loop so that linger timers fire). */
    void accept(List<SinkRecord> records);

    /**
     * The highest offset per partition below which every record is now handled (in a committed transaction or
     * acknowledged by the dead-letter topic), since the last call.
     */
    Map<PartitionRef, Long> takeHandled();

    /** Of the assigned partitions, those that must not be fetched now (memory budget reached, or failed). */
    Set<PartitionRef> blocked(Collection<PartitionRef> assigned);

    /**
     * Lets go of partitions. Revoked ({@code lost == false}): pending records of theirs are dropped and in-flight
     * writes finished, up to the deadline, so that their offsets can be committed before the partitions move.
     * Lost: everything of theirs is dropped without waiting, since their offsets may no longer be committed.
     */
    void release(Set<PartitionRef> partitions, boolean lost, Duration deadline);

    /** Shutdown: writes everything buffered and waits for it, up to the deadline. */
    void finish(Duration deadline);
}
