/**
 * PostgreSQL: the connection pool, the catalog, SQL text and the COPY wire format, and the {@code Session} that
 * runs one {@code Transaction} at a time on a pooled connection, with every statement's results drained and
 * closed before the connection is used again. Says what happened (row counts, SQLSTATEs); decides nothing about
 * retries or dead letters. The only package that may use JDBC, pgjdbc and HikariCP.
 */
package io.pgsink.pg;
