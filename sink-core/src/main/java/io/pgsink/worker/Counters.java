package io.pgsink.worker;

import io.pgsink.SinkStats;
import io.pgsink.write.WriteListener;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The worker's counters, updated by writer threads and read by anyone. */
final class Counters {

    /** One writer lane's reports: into these counters, the lane's health and, as events, the listeners. */
    WriteListener listener(HealthState.LaneHealth health, Events events, String route, String table) {
        return new LaneReports(this, health, events, route, table);
    }

    final AtomicLong recordsWritten = new AtomicLong();
    final AtomicLong recordsDeadLettered = new AtomicLong();
    final AtomicLong batchesCommitted = new AtomicLong();
    final AtomicInteger lastBatchRecords = new AtomicInteger();
    final AtomicLong isolationWrites = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicReference<Instant> lastCommit = new AtomicReference<>();

    SinkStats snapshot(int target, long lag, Map<String, String> stoppedTables) {
        return new SinkStats(
                recordsWritten.get(),
                recordsDeadLettered.get(),
                batchesCommitted.get(),
                lastBatchRecords.get(),
                target,
                isolationWrites.get(),
                retries.get(),
                lag,
                stoppedTables);
    }
}
