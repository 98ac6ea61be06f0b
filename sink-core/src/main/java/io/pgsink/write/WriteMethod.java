package io.pgsink.write;

/**
 * How a {@link WriteSession} sends a batch's rows. Both methods write the same rows with the same text values in
 * one transaction per batch, fail the whole batch on the first bad row with the server's SQLSTATE, and leave the
 * session reusable after a failure; they differ in speed and in how precise the per-record outcomes are.
 */
public enum WriteMethod {
    /**
     * {@code COPY ... FROM STDIN} in text format, one COPY per set of columns the records set. Upsert mode copies
     * into a session-local staging table, then merges it with {@code INSERT ... SELECT ... ON CONFLICT}. COPY
     * reports one count per COPY, not per row, so every written record is reported as one row affected, even an
     * upsert that changed nothing. Upsert mode needs the TEMPORARY privilege on the database (PUBLIC has it by
     * default). PostgreSQL refuses COPY into a table with row-level security enabled: use {@link #BATCH} there.
     */
    COPY,
    /** A JDBC batch of parameterised {@code INSERT} statements; outcomes carry the server's count per row. */
    BATCH
}
