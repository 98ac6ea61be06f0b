package io.pgsink.batch;

import java.time.Clock;
import java.time.Duration;

/**
 * A batch size target that follows the database. After each committed batch it looks at how long the write took
 * and whether records were waiting (the batch was cut by size): while writes stay under the target latency and records
 * wait, it grows the target; when a write overshoots the latency target, or fails, it shrinks it. At low load
 * batches close by linger long before they are full, so the target does not matter and latency stays low.
 *
 * <p>Multiplicative steps, as in TCP congestion control: +25% on a fast batch cut by size, to 70% on a slow one, half on a
 * failure, always within {@code [min, max]}. Written from one writer thread, read from the batching thread.
 */
public final class AdaptiveSizeTarget implements SizeTarget {

    private static final double GROW = 1.25;
    private static final double SHRINK = 0.7;

    private final Clock clock;
    private final int min;
    private final int max;
    private final long targetLatencyMillis;
    private volatile int current;

    public AdaptiveSizeTarget(Clock clock, int min, int max, Duration targetLatency) {
        if (min < 1 || max < min || targetLatency.isNegative() || targetLatency.isZero()) {
            throw new IllegalArgumentException("need 1 <= min <= max and a positive target latency");
        }
        this.clock = clock;
        this.min = min;
        this.max = max;
        this.targetLatencyMillis = targetLatency.toMillis();
        this.current = min;
    }

    @Override
    public int records() {
        return current;
    }

    @Override
    public long startWrite() {
        return clock.millis();
    }

    @Override
    public void written(long startedAt, boolean cutBySize) {
        long latency = clock.millis() - startedAt;
        int now = current;
        if (latency > targetLatencyMillis) {
            current = clamp((int) (now * SHRINK));
        } else if (cutBySize) {
            // Judged by how the batch was cut, not against the target now: batches cut at an older, smaller
            // target may still be queued, and they too mean records were waiting.
            current = clamp((int) Math.ceil(now * GROW));
        }
    }

    /** A write failed: back off to half, so the retry and what follows are gentler on the database. */
    @Override
    public void failed() {
        current = clamp(current / 2);
    }

    private int clamp(int value) {
        return Math.max(min, Math.min(max, value));
    }
}
