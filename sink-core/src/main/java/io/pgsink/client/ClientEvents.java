package io.pgsink.client;

import io.pgsink.SinkEvent;
import io.pgsink.SinkListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's batches as the worker's events ({@link SinkEvent}), so that the same listeners (the Micrometer
 * adapter, an application's own) see both. Route {@value #ROUTE}; no Kafka offsets. A committed batch gives one
 * {@link SinkEvent.BatchCommitted} per table, whose {@code deadLettered} counts the table's failed operations.
 */
final class ClientEvents {

    static final String ROUTE = "library";
    private static final Logger LOG = LoggerFactory.getLogger(ClientEvents.class);

    private final SinkListener listener;
    private final AtomicLong batchIds = new AtomicLong();

    ClientEvents(SinkListener listener) {
        this.listener = listener;
    }

    long started(List<Op> ops) {
        long id = batchIds.incrementAndGet();
        if (listener != null) {
            emit(new SinkEvent.BatchStarted(
                    ROUTE, tables(ops), id, List.of(), ops.size(), 0, Instant.now(), null, List.of()));
        }
        return id;
    }

    void retrying(List<Op> ops, int attempt, Duration backoff, String sqlState, String reason) {
        if (listener != null) {
            emit(new SinkEvent.Retrying(ROUTE, tables(ops), attempt, backoff, sqlState, reason));
        }
    }

    /** The batch ended: committed (per-table counts and rejections) or not (a fatal failure: rejections only). */
    void ended(long batchId, List<Outcome> outcomes, Duration duration, boolean committed) {
        if (listener == null) {
            return;
        }
        Map<String, int[]> perTable = new TreeMap<>();
        Map<List<String>, Integer> rejected =
                new TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
        for (Outcome outcome : outcomes) {
            String table = outcome.table() == null ? "(sql)" : outcome.table();
            int[] counts = perTable.computeIfAbsent(table, t -> new int[2]);
            counts[outcome.ok() ? 0 : 1]++;
            if (!outcome.ok()) {
                Failure f = outcome.failure();
                String state = f.sqlState() == null ? "" : f.sqlState();
                rejected.merge(
                        List.of(table, f.failureClass().name().toLowerCase(java.util.Locale.ROOT), state),
                        1,
                        Integer::sum);
            }
        }
        if (committed) {
            perTable.forEach((table, counts) -> emit(new SinkEvent.BatchCommitted(
                    ROUTE, table, batchId, List.of(), counts[0], counts[1], 0, 0, duration, -1, null, null,
                    List.of())));
        }
        rejected.forEach((key, count) -> emit(new SinkEvent.RecordsRejected(
                ROUTE,
                key.get(0),
                count,
                key.get(1),
                key.get(2).isEmpty() ? null : key.get(2),
                "refused by the" + " database or by validation")));
    }

    private void emit(SinkEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.debug(
                    "a listener failed on {}; the batch is not affected",
                    event.getClass().getSimpleName(),
                    e);
        }
    }

    private static String tables(List<Op> ops) {
        return String.join(
                ",",
                ops.stream()
                        .map(op -> op.table() == null ? "(sql)" : op.table().toString())
                        .distinct()
                        .sorted()
                        .toList());
    }
}
