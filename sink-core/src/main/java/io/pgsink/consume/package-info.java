/**
 * The Kafka side: the poll loop (the only thread that touches the {@code KafkaConsumer}), rebalance handling,
 * pause and resume, lag, and the offset watermark committed after the database. Hands records to a
 * {@code RecordHandler} and takes back what was handled; knows nothing of PostgreSQL. May use kafka-clients.
 */
package io.pgsink.consume;
