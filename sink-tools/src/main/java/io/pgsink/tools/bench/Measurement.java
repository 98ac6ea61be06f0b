package io.pgsink.tools.bench;

/**
 * One throughput figure: {@code rows} written in {@code seconds}.
 *
 * @param name a short stable identifier, used as the JSON key
 * @param description what was measured, for the table
 * @param firstCommitSeconds for a worker, seconds from its start until the group's first offset commit (start-up:
 *     group join, first fetch, first batch), included in {@code seconds}; -1 when no worker ran
 * @param worker what the worker reported, or null when no worker ran
 * @param bytes the records' bytes (keys and values) the worker read, or -1 when no worker ran
 */
record Measurement(
        String name,
        String description,
        long rows,
        double seconds,
        double firstCommitSeconds,
        WorkerFigures worker,
        long bytes) {

    Measurement(
            String name,
            String description,
            long rows,
            double seconds,
            double firstCommitSeconds,
            WorkerFigures worker) {
        this(name, description, rows, seconds, firstCommitSeconds, worker, -1);
    }

    /** Rows, or for a worker records read, per second. */
    double rowsPerSecond() {
        return rows / seconds;
    }

    /** Megabytes (10^6 bytes) of records read per second; -1 when no worker ran. */
    double megabytesPerSecond() {
        return bytes < 0 ? -1 : bytes / 1e6 / seconds;
    }

    /**
     * A worker process's own figures at the end of a run.
     *
     * @param batches transactions committed
     * @param retries transient failures retried
     * @param peakHeapBytes {@code jvm_heap_used_peak_bytes} from /metrics, or -1 if the worker does not serve it
     * @param maxHeapAfterGcBytes the largest heap occupancy right after a collection (from the GC log): an upper
     *     bound of the live set
     * @param xmx the worker's -Xmx
     * @param finalTargetRecords the batch size target in force at the end (pgsink_batch_size_target, averaged over lanes)
     * @param cpuSeconds CPU time the worker process used, all threads, start-up included
     */
    record WorkerFigures(
            long batches,
            long retries,
            long peakHeapBytes,
            long maxHeapAfterGcBytes,
            String xmx,
            long finalTargetRecords,
            double cpuSeconds) {

        double meanBatch(long rows) {
            return batches == 0 ? 0 : (double) rows / batches;
        }
    }
}
