package io.pgsink;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a {@link SinkListener} is told. Events name the route and table they concern, carry Kafka coordinates as
 * offset ranges, and never row values.
 */
public sealed interface SinkEvent {

    /** The first and last offset of one partition's records in a batch. */
    record OffsetRange(String topic, int partition, long firstOffset, long lastOffset) {}

    /**
     * A batch is about to be written.
     *
     * @param trace the batch's own W3C {@code traceparent}: its trace id is in the batch's log lines and dead-letter
     *     headers, and a tracer gives the batch's span these ids
     * @param traceparents the W3C {@code traceparent} headers of the batch's records, distinct, at most a few
     *     dozen (the rest are not listed)
     */
    record BatchStarted(
            String route,
            String table,
            long batchId,
            List<OffsetRange> ranges,
            int records,
            long bytes,
            Instant startedAt,
            String trace,
            List<String> traceparents)
            implements SinkEvent {}

    /**
     * A batch's transaction committed: {@code rows} records are in the table, {@code deadLettered} in the
     * dead-letter topic, {@code skipped} were skipped by policy (a tombstone where deletes are off).
     *
     * @param txid the PostgreSQL transaction id of the commit, or {@code -1} when not known
     * @param oldestRecordTimestamp the earliest Kafka record timestamp in the batch, for end-to-end latency
     * @param trace the batch's own {@code traceparent}, as in its {@link BatchStarted}
     */
    record BatchCommitted(
            String route,
            String table,
            long batchId,
            List<OffsetRange> ranges,
            int rows,
            int deadLettered,
            int skipped,
            long bytes,
            Duration duration,
            long txid,
            Instant oldestRecordTimestamp,
            String trace,
            List<String> traceparents)
            implements SinkEvent {}

    /**
     * Records were sent to the dead-letter topic (acknowledged) because they can never be written.
     *
     * @param kind the failure kind, e.g. {@code poison}
     * @param sqlState the SQLSTATE, or {@code null} when the record failed before any SQL (decoding)
     */
    record RecordsRejected(String route, String table, int count, String kind, String sqlState, String reason)
            implements SinkEvent {}

    /** A transient failure is being retried after {@code backoff}; {@code reason} has no row values. */
    record Retrying(String route, String table, int attempt, Duration backoff, String sqlState, String reason)
            implements SinkEvent {}

    /** The worker's (or one lane's, when {@code lane} is not negative) health changed. */
    record StateChanged(int lane, Health.Status from, Health.Status to, String detail) implements SinkEvent {}

    /** The consumer's assignment changed: partitions newly {@code assigned}, {@code revoked} or {@code lost}. */
    record Rebalanced(List<String> assigned, List<String> revoked, List<String> lost) implements SinkEvent {}
}
