package io.pgsink.config;

/**
 * What a worker promises about each record, set by {@code delivery.guarantee}.
 *
 * <p>Configured as {@code exactly-once} or {@code at-least-once}; matching ignores case.
 */
public enum DeliveryGuarantee {
    /**
     * Each record is written once, in every write mode: every batch transaction also records, in a progress table
     * of pgsink's own, the next offset of each of its partitions, conditioned on the worker still owning them. A
     * worker that lost a partition cannot commit it, an unanswered COMMIT is resolved by reading that table, and a
     * restarted worker resumes exactly after the last committed batch.
     */
    EXACTLY_ONCE,
    /**
     * No table of pgsink's own: the Kafka consumer group's committed offsets are the only progress, so records
     * written after the last offset commit are written again after a crash or an unclean hand-over (absorbed in
     * upsert mode, duplicated or dead-lettered as duplicate keys in insert mode).
     */
    AT_LEAST_ONCE
}
