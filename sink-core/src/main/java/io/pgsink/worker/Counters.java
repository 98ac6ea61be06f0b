package io.pgsink.worker;

import io.pgsink.SinkStats;
import io.pgsink.write.WriteListener;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The worker's counters, updated by writer threads and read by anyone. */
final class Counters {

    /** One writer lane's reports: into these counters and the lane's health. */
    WriteListener listener(HealthState.LaneHealth health) {
        return new WriteListener() {
            @Override
            public void committed() {
                batchesCommitted.incrementAndGet();
            }

            @Override
            public void split() {
                isolationWrites.addAndGet(2);
            }

            @Override
            public void retrying(String why) {
                retries.incrementAndGet();
                health.retrying(why);
            }

            @Override
            public void succeeded() {
                health.succeeded();
            }

            @Override
            public void handled(int written, int deadLettered) {
                recordsWritten.addAndGet(written);
                recordsDeadLettered.addAndGet(deadLettered);
                lastBatchRecords.set(written + deadLettered);
            }
        };
    }

    final AtomicLong recordsWritten = new AtomicLong();
    final AtomicLong recordsDeadLettered = new AtomicLong();
    final AtomicLong batchesCommitted = new AtomicLong();
    final AtomicInteger lastBatchRecords = new AtomicInteger();
    final AtomicLong isolationWrites = new AtomicLong();
    final AtomicLong retries = new AtomicLong();

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
