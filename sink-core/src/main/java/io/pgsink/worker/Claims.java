package io.pgsink.worker;

import io.pgsink.model.PartitionRef;
import io.pgsink.pg.FailureDescription;
import io.pgsink.pg.ProgressStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes ownership of newly assigned partitions in the progress table (exactly-once) before any of their records
 * is read: a new generation per partition, and the stored offset to start from. A claim the database cannot take
 * now (unreachable, or an old owner's transaction holding the row) is retried on later polls; its partitions stay
 * paused meanwhile. Without a progress table (at-least-once) every partition is taken at once. Poll thread only.
 */
final class Claims {

    private static final Logger LOG = LoggerFactory.getLogger(Claims.class);
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);

    private final ProgressStore store;
    private final String owner;
    private final Ownership ownership;
    private final Set<PartitionRef> pending = new LinkedHashSet<>();
    private long nextTryNanos;

    /** @param store the progress table, or null for at-least-once */
    Claims(ProgressStore store, String owner, Ownership ownership) {
        this.store = store;
        this.owner = owner;
        this.ownership = ownership;
    }

    /** Claims now; returns where to start reading the partitions claimed (-1: the group's committed offset). */
    Map<PartitionRef, Long> claim(Collection<PartitionRef> partitions) {
        pending.addAll(partitions);
        return tryPending();
    }

    /** Retries pending claims when due; returns the partitions claimed now, as {@link #claim} does. */
    Map<PartitionRef, Long> retryDue() {
        if (pending.isEmpty() || System.nanoTime() - nextTryNanos < 0) {
            return Map.of();
        }
        return tryPending();
    }

    /** Partitions assigned but not yet claimed: not to be fetched. */
    Set<PartitionRef> pending() {
        return pending;
    }

    void release(Collection<PartitionRef> partitions) {
        pending.removeAll(partitions);
    }

    private Map<PartitionRef, Long> tryPending() {
        Map<PartitionRef, Long> starts = new HashMap<>();
        if (store == null) {
            pending.forEach(p -> starts.put(p, -1L));
            pending.clear();
            return starts;
        }
        try {
            Map<PartitionRef, ProgressStore.Position> claimed = store.claim(pending, owner);
            Map<PartitionRef, Long> generations = new HashMap<>();
            claimed.forEach((partition, position) -> {
                generations.put(partition, position.generation());
                starts.put(partition, position.nextOffset());
            });
            ownership.claimed(generations);
            pending.removeAll(claimed.keySet());
            LOG.info("claimed {} in the progress table; resuming at {}", claimed.keySet(), starts);
        } catch (SQLException e) {
            nextTryNanos = System.nanoTime() + RETRY_EVERY.toNanos();
            FailureDescription d = FailureDescription.of(e);
            LOG.warn(
                    "cannot claim partitions {} in the progress table yet (SQLSTATE {}): {}; they stay paused and the"
                            + " claim is retried",
                    pending,
                    d.sqlState(),
                    d.message());
        }
        return starts;
    }
}
