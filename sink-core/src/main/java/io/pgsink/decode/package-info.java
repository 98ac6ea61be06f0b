/**
 * Record bytes to rows: reads each record value against the table's column types into PostgreSQL text values,
 * and groups a batch's rows for writing ({@code DecodedBatch}: repeated keys, last write wins). Anything a
 * single record cannot be turned into is a {@code DecodeException}, that record's problem. May use Jackson;
 * never JDBC or Kafka.
 */
package io.pgsink.decode;
