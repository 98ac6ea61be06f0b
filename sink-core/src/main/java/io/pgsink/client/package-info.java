/**
 * pgsink as a library: batches of inserts, upserts, updates and deletes written to PostgreSQL with the sink's own
 * engine (COPY or JDBC batches, staging merges, results drained and closed, SQLSTATE classes, bisection, retries),
 * without Kafka. Start at {@link io.pgsink.client.PgBatchClient}; docs/library.md has the contract.
 */
package io.pgsink.client;
