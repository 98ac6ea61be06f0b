package io.pgsink;

import java.time.Instant;
import java.util.List;

/**
 * What a worker is doing right now, for probes, metrics and the live view: cheap to take (no I/O), safe from any
 * thread. Counters since start are in {@link SinkStats}.
 *
 * @param health the worker's health
 * @param lanes each writer lane's state and batch size target
 * @param routes each route with its table and state (one route, {@code default}, until routes are configured)
 * @param lag per assigned partition, records not yet written: the partition's end offset (asked of the broker every
 *     few seconds, also while fetching is paused) minus this worker's last committed offset (its fetch position
 *     before its first commit)
 * @param assignedPartitions partitions this worker holds
 * @param pausedPartitions of those, partitions whose fetching is paused (backpressure, an outage, a failed lane)
 * @param bufferedBytes record bytes held in batches not yet written
 * @param lastCommit when the last batch committed, or {@code null} before the first
 * @param lastPoll when the poll thread last finished a loop iteration, or {@code null} before the first
 * @param offsetCommitFailures Kafka offset commits that failed (each is retried with the next commit)
 */
public record SinkStatus(
        Health health,
        List<Lane> lanes,
        List<Route> routes,
        List<PartitionLag> lag,
        int assignedPartitions,
        int pausedPartitions,
        long bufferedBytes,
        Instant lastCommit,
        Instant lastPoll,
        long offsetCommitFailures) {

    public SinkStatus {
        lanes = List.copyOf(lanes);
        routes = List.copyOf(routes);
        lag = List.copyOf(lag);
    }

    /** One writer lane: its own state (a lane fails or retries on its own) and its batch size target. */
    public record Lane(int lane, Health.Status state, int batchSizeTarget) {}

    /** One route: the table it writes and its state (the worst of its lanes'). */
    public record Route(String route, String table, Health.Status state) {}

    /** Records not yet written on one partition. */
    public record PartitionLag(String topic, int partition, long records) {}

    /** The lag summed over partitions, 0 when none is assigned. */
    public long totalLag() {
        return lag.stream().mapToLong(PartitionLag::records).sum();
    }
}
