package io.pgsink;

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
 */
public record SinkStats(
        long recordsWritten,
        long recordsDeadLettered,
        long batchesCommitted,
        int lastBatchRecords,
        int batchTargetRecords,
        long isolationWrites,
        long retries,
        long lag) {}
