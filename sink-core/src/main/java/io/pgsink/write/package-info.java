/**
 * The write policy: writes one batch durably through a {@code pg.Session}, retrying transient failures,
 * bisecting to isolate poison records and dead-lettering them, resolving an unanswered COMMIT, and never
 * committing records of partitions that moved away. Uses {@code pg}, {@code decode}, {@code error} and
 * {@code deadletter}; runs no SQL of its own.
 */
package io.pgsink.write;
