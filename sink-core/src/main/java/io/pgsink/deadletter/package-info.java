/**
 * The dead-letter topic: the producer that sends a rejected record with its coordinates and reason, and the
 * header contract readers rely on. May use kafka-clients.
 */
package io.pgsink.deadletter;
