package io.pgsink.config;

/** How rows reach PostgreSQL: COPY (the fast path) or a JDBC batch of INSERT statements. */
public enum WriteMethod {
    /**
     * {@code COPY ... FROM STDIN} in text format, one COPY per set of columns the records set. Upsert mode copies
     * into a session-local staging table, then merges it with {@code INSERT ... SELECT ... ON CONFLICT}, so it
     * needs the TEMPORARY privilege on the database (PUBLIC has it by default). COPY counts rows per COPY, not per
     * record: every written record is reported as one row affected. PostgreSQL refuses COPY into a table with
     * row-level security enabled: use {@link #BATCH} there.
     */
    COPY,
    /** A JDBC batch of parameterised {@code INSERT} (or upsert) statements. */
    BATCH
}
