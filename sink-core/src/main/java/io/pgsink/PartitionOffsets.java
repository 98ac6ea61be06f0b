package io.pgsink;

/**
 * Where a consumer group stands on one partition, as {@link GroupOffsets#list()} reports it. Offsets are -1 where
 * there is none: no committed offset, no progress row (or {@code delivery.guarantee=at-least-once}), no batch
 * committed under the progress table yet.
 *
 * @param committed the group's committed Kafka offset
 * @param nextOffset the progress table's next offset (exactly-once)
 * @param generation the progress table's owner generation (exactly-once), -1 without a row
 * @param owner the worker (or reset) that last claimed the partition in the progress table, or null
 * @param logStart the offset of the first record still in the log
 * @param logEnd the offset the next record produced will get
 * @param start the offset a worker assigned the partition now would read first
 * @param startFrom where {@code start} comes from
 * @param lag {@code logEnd - start}: records not yet written; -1 when {@code start} is unknown
 */
public record PartitionOffsets(
        String topic,
        int partition,
        long committed,
        long nextOffset,
        long generation,
        String owner,
        long logStart,
        long logEnd,
        long start,
        StartFrom startFrom,
        long lag) {

    /** Which stored offset a worker starts a partition from. */
    public enum StartFrom {
        /** exactly-once with a row whose next offset is set: the worker seeks there */
        PROGRESS_TABLE,
        /** the group's committed Kafka offset */
        COMMITTED,
        /** nothing stored: the log start ({@code auto.offset.reset=earliest}, pgsink's default) */
        LOG_START,
        /** nothing stored: the log end ({@code kafka.consumer.auto.offset.reset=latest}) */
        LOG_END,
        /** nothing stored and {@code kafka.consumer.auto.offset.reset=none}: a worker would fail */
        NONE
    }
}
