package io.pgsink.batch;

/**
 * How many records a batch should hold right now. Read on every {@link Batcher#add}, so an implementation may change
 * its answer at run time (an adaptive controller); it must be safe to read from the batching thread.
 */
@FunctionalInterface
public interface SizeTarget {

    int records();

    /** Called before a batch is written; the result goes to {@link #written}. */
    default long startWrite() {
        return 0;
    }

    /**
     * A batch was written without failures, having started at {@code startedAt}; {@code cutBySize} when it was closed
     * by size (see {@link Batch#cutBySize}).
     */
    default void written(long startedAt, boolean cutBySize) {}

    /** A batch needed retries before it was written. */
    default void failed() {}

    static SizeTarget fixed(int records) {
        if (records < 1) {
            throw new IllegalArgumentException("records must be >= 1: " + records);
        }
        return () -> records;
    }
}
