package io.pgsink.write;

import io.pgsink.batch.Batch;
import io.pgsink.batch.OffsetRanges;
import io.pgsink.deadletter.Rejection;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TraceParent;
import java.time.Duration;
import java.util.List;

/**
 * What a {@link BatchWriter} reports as it goes, for counters and health. Called on the writer's thread; an
 * implementation must be quick and thread safe. Every method does nothing unless overridden.
 */
public interface WriteListener {

    /** A database transaction committed (a whole batch, or one part of a batch being split). */
    default void committed() {}

    /** A failing batch was split in two to find its bad records. */
    default void split() {}

    /** A transient failure is being retried; {@code why} is an operator's sentence without row values. */
    default void retrying(String why) {}

    /**
     * A transient failure is being retried, with what an event needs: the attempt, the wait before it (zero when
     * the budget is spent and the writer gives up instead) and the SQLSTATE (null when there is none). Calls {@link
     * #retrying(String)} unless overridden.
     */
    default void retrying(int attempt, Duration backoff, String sqlState, String why) {
        retrying(why);
    }

    /**
     * Batch {@code batchId} is about to be written: {@code ranges} are its offsets per partition, {@code trace} its own
     * trace context (logs, dead letters).
     */
    default void started(long batchId, Batch batch, List<OffsetRanges.Range> ranges, TraceParent trace) {}

    /** The dead-letter topic acknowledged these records (once each, even when the transaction is retried). */
    default void deadLettered(List<Rejection> rejections) {}

    /**
     * Batch {@code batchId}'s transaction committed: of {@code records} (those of partitions still owned),
     * {@code written} are in the table, {@code deadLettered} in the dead-letter topic, and {@code skipped} asked
     * nothing of the table by the route's rules (a tombstone where deletes are off).
     *
     * @param txid the transaction id ({@code txid_current()}), or -1 when not known (a COMMIT resolved after it went
     *     unanswered)
     */
    default void batchCommitted(
            long batchId, List<SinkRecord> records, int written, int deadLettered, int skipped, long txid) {}

    /** A write succeeded (after retries, the failure has cleared). */
    default void succeeded() {}

    /**
     * Update mode skipped {@code count} records of a committed batch because their rows did not exist
     * ({@code update.missing=skip}); they count as handled.
     */
    default void rowsMissing(int count) {}

    /** A batch is handled: {@code written} records are in the table, {@code deadLettered} in the dead-letter topic. */
    default void handled(int written, int deadLettered) {}
}
