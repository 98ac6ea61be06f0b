package io.pgsink.config;

/** How rows reach PostgreSQL: COPY (the fast path) or a JDBC batch of INSERT statements. */
public enum WriteMethod {
    COPY,
    BATCH
}
