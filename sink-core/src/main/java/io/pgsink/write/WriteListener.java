package io.pgsink.write;

/**
 * What a {@link BatchWriter} reports as it goes, for counters and health. Called on the writer's thread; an
 * implementation must be quick and thread safe. Every method does nothing unless overridden.
 */
public interface WriteListener {

    /** A database transaction committed (a whole batch, or one part of a batch being split). */
    default void committed() {}

    /** A failing batch was split in two to find its bad records. */
    default void split() {}

    /** A transient failure is being retried; {@code why} is an operator's sentence without row values. */
    default void retrying(String why) {}

    /** A write succeeded (after retries, the failure has cleared). */
    default void succeeded() {}

    /**
     * Update mode skipped {@code count} records of a committed batch because their rows did not exist
     * ({@code update.missing=skip}); they count as handled.
     */
    default void rowsMissing(int count) {}

    /** A batch is handled: {@code written} records are in the table, {@code deadLettered} in the dead-letter topic. */
    default void handled(int written, int deadLettered) {}
}
