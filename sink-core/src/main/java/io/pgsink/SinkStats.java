package io.pgsink;

import java.util.Map;

/**
 * A snapshot of the worker's counters since start.
 *
 * @param recordsWritten records in a committed database transaction
 * @param recordsDeadLettered records acknowledged by the dead-letter topic
 * @param batchesCommitted database transactions committed
 * @param lastBatchRecords records in the most recent batch
 * @param batchTargetRecords the batch size target in force now
 * @param isolationWrites sub-batch writes spent isolating bad records
 * @param retries transient failures retried
 * @param lag records not yet consumed on the assigned partitions, or -1 if not known yet
 * @param stoppedTables the tables whose writing stopped on a fatal failure while other routes go on, as
 *     {@code route <name>, table <table>} to the reason; empty while every route writes
 */
public record SinkStats(
        long recordsWritten,
        long recordsDeadLettered,
        long batchesCommitted,
        int lastBatchRecords,
        int batchTargetRecords,
        long isolationWrites,
        long retries,
        long lag,
        Map<String, String> stoppedTables) {

    public SinkStats {
        stoppedTables = Map.copyOf(stoppedTables);
    }

    /** Counters of a worker whose routes all write. */
    public SinkStats(
            long recordsWritten,
            long recordsDeadLettered,
            long batchesCommitted,
            int lastBatchRecords,
            int batchTargetRecords,
            long isolationWrites,
            long retries,
            long lag) {
        this(
                recordsWritten,
                recordsDeadLettered,
                batchesCommitted,
                lastBatchRecords,
                batchTargetRecords,
                isolationWrites,
                retries,
                lag,
                Map.of());
    }
}
