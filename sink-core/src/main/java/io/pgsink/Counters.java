package io.pgsink;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The worker's counters, updated by writer threads and read by anyone. */
final class Counters {

    final AtomicLong recordsWritten = new AtomicLong();
    final AtomicLong recordsDeadLettered = new AtomicLong();
    final AtomicLong batchesCommitted = new AtomicLong();
    final AtomicInteger lastBatchRecords = new AtomicInteger();
    final AtomicLong isolationWrites = new AtomicLong();
    final AtomicLong retries = new AtomicLong();

    SinkStats snapshot(int target, long lag) {
        return new SinkStats(recordsWritten.get(), recordsDeadLettered.get(), batchesCommitted.get(),
            lastBatchRecords.get(), target, isolationWrites.get(), retries.get(), lag);
    }
}
