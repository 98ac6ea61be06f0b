package io.pgsink.write;

/**
 * What a {@link BatchWriter} reports as it goes, for counters and health. Called on the writer's thread; an
 * implementation must be quick and thread safe.
 */
public interface WriteListener {

    /** A database transaction committed (a whole batch, or one part of a batch being split). */
    void committed();

    /** A failing batch was split in two to find its bad records. */
    void split();

    /** A transient failure is being retried; {@code why} is an operator's sentence without row values. */
    void retrying(String why);

    /** A write succeeded (after retries, the failure has cleared). */
    void succeeded();

    /** A batch is handled: {@code written} records are in the table, {@code deadLettered} in the dead-letter topic. */
    void handled(int written, int deadLettered);
}
