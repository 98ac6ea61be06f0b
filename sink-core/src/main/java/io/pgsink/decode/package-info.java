/**
 * Record bytes to rows. First a record's input format ({@code RecordFormat.of(InputFormat)}: schemaless JSON,
 * Kafka Connect JSON with schemas, Debezium change events) says what it asks of its table, a {@code Change}: an
 * operation and a flat JSON object whose values follow the schemaless rules, with Connect's and Debezium's
 * logical types already turned into exact text. Then each value is read against the table's column types into
 * PostgreSQL text values, and a batch's rows are grouped for writing ({@code DecodedBatch}: repeated keys, last
 * write wins). Anything a single record cannot be turned into is a {@code DecodeException}, that record's
 * problem. May use Jackson; never JDBC or Kafka.
 */
package io.pgsink.decode;
