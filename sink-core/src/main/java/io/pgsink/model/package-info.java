/**
 * The values that travel between stages, free of any client library: a consumed record with its coordinates
 * ({@code SinkRecord}, {@code PartitionRef}) and a table name ({@code TableRef}). JDK only.
 */
package io.pgsink.model;
