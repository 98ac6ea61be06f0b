package io.pgsink.app;

import java.util.Arrays;

/** The end-to-end latencies of the most recent batches, for the live view's p99 (Prometheus has the histogram). */
final class RecentLatencies {

    private static final int SIZE = 512;

    private final long[] nanos = new long[SIZE];
    private long count;

    synchronized void add(long latencyNanos) {
        nanos[(int) (count++ % SIZE)] = latencyNanos;
    }

    /** The 99th percentile over the recent batches, in milliseconds; NaN before the first. */
    synchronized double p99Millis() {
        int n = (int) Math.min(count, SIZE);
        if (n == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(0.99 * n) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }
}
