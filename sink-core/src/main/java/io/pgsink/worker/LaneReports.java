package io.pgsink.worker;

import io.pgsink.SinkEvent;
import io.pgsink.batch.Batch;
import io.pgsink.batch.OffsetRanges;
import io.pgsink.deadletter.Rejection;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TraceParent;
import io.pgsink.write.WriteListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one writer lane's {@link io.pgsink.write.BatchWriter} reports, turned into counters, lane health and
 * {@link SinkEvent}s. Called on the lane's writer thread only.
 */
final class LaneReports implements WriteListener {

    /** At most this many distinct traceparents travel with a batch's events. */
    private static final int MAX_TRACEPARENTS = 32;

    private final Counters counters;
    private final HealthState.LaneHealth health;
    private final Events events;
    private final String route;
    private final String table;
    private long startedNanos;
    private int startedRecords;
    private List<SinkEvent.OffsetRange> startedRanges = List.of();
    private long startedBytes;
    private List<String> traceparents = List.of();
    private String trace;

    LaneReports(Counters counters, HealthState.LaneHealth health, Events events, String route, String table) {
        this.counters = counters;
        this.health = health;
        this.events = events;
        this.route = route;
        this.table = table;
    }

    @Override
    public void committed() {
        counters.batchesCommitted.incrementAndGet();
    }

    @Override
    public void split() {
        counters.isolationWrites.addAndGet(2);
    }

    @Override
    public void retrying(String why) {
        retrying(0, Duration.ZERO, null, why);
    }

    @Override
    public void retrying(int attempt, Duration backoff, String sqlState, String why) {
        counters.retries.incrementAndGet();
        health.retrying(why);
        if (events.any()) {
            events.onEvent(new SinkEvent.Retrying(route, table, attempt, backoff, sqlState, why));
        }
    }

    @Override
    public void succeeded() {
        health.succeeded();
    }

    @Override
    public void handled(int written, int deadLettered) {
        counters.recordsWritten.addAndGet(written);
        counters.recordsDeadLettered.addAndGet(deadLettered);
        counters.lastBatchRecords.set(written + deadLettered);
    }

    @Override
    public void started(long batchId, Batch batch, List<OffsetRanges.Range> offsets, TraceParent batchTrace) {
        startedNanos = System.nanoTime();
        startedRecords = -1;
        if (!events.any()) {
            return;
        }
        trace = batchTrace.header();
        traceparents = TraceParent.of(batch.records(), MAX_TRACEPARENTS).stream()
                .map(TraceParent::header)
                .toList();
        startedRecords = batch.size();
        startedRanges = eventRanges(offsets);
        startedBytes = batch.bytes();
        events.onEvent(new SinkEvent.BatchStarted(
                route, table, batchId, startedRanges, batch.size(), batch.bytes(), Instant.now(), trace, traceparents));
    }

    @Override
    public void deadLettered(List<Rejection> rejections) {
        if (!events.any()) {
            return;
        }
        // One event per kind and SQLSTATE: metrics count by both.
        Map<List<String>, List<Rejection>> groups = new LinkedHashMap<>();
        for (Rejection r : rejections) {
            String kind = r.sqlState() == null ? "decode" : r.kind().name().toLowerCase(Locale.ROOT);
            groups.computeIfAbsent(Arrays.asList(kind, r.sqlState()), k -> new ArrayList<>())
                    .add(r);
        }
        groups.forEach((key, group) -> events.onEvent(new SinkEvent.RecordsRejected(
                route, table, group.size(), key.get(0), key.get(1), group.get(0).reason())));
    }

    @Override
    public void batchCommitted(
            long batchId, List<SinkRecord> records, int written, int deadLettered, int skipped, long txid) {
        Instant now = Instant.now();
        counters.lastCommit.set(now);
        if (!events.any()) {
            return;
        }
        // The whole batch committed (no partition moved while it was written; {@code records} are the owned ones of
        // the batch started, so the same count means the same records): what started() saw stands.
        boolean whole = records.size() == startedRecords;
        long bytes = whole ? startedBytes : 0;
        long oldest = Long.MAX_VALUE;
        for (SinkRecord r : records) {
            if (!whole) {
                bytes += r.sizeInBytes();
            }
            oldest = Math.min(oldest, r.timestamp());
        }
        events.onEvent(new SinkEvent.BatchCommitted(
                route,
                table,
                batchId,
                whole ? startedRanges : ranges(records),
                written,
                deadLettered,
                skipped,
                bytes,
                Duration.ofNanos(System.nanoTime() - startedNanos),
                txid,
                oldest == Long.MAX_VALUE || oldest < 0 ? null : Instant.ofEpochMilli(oldest),
                trace,
                traceparents));
    }

    private static List<SinkEvent.OffsetRange> ranges(List<SinkRecord> records) {
        return eventRanges(OffsetRanges.of(records));
    }

    private static List<SinkEvent.OffsetRange> eventRanges(List<OffsetRanges.Range> offsets) {
        return offsets.stream()
                .map(r -> new SinkEvent.OffsetRange(r.topic(), r.partition(), r.first(), r.last()))
                .toList();
    }
}
