/**
 * Failure kinds (transient, poison, fatal), the one SQLSTATE classification every component uses, and the
 * bounded retry policy with its injected sleeper. May read SQLSTATEs off {@code java.sql} exceptions and use
 * resilience4j; nothing else.
 */
package io.pgsink.error;
