package io.pgsink.client;

import io.pgsink.config.WriteMethod;
import java.time.Duration;

/**
 * The policies of a client, shared with the sink: retries with backoff for transient SQLSTATEs (the same
 * classification), a statement timeout, and the circuit breaker.
 *
 * @param retryBudget how long a batch keeps retrying transient failures; zero: it does not retry
 * @param statementTimeout the connections' statement_timeout; null keeps the server's
 * @param breakerThreshold batches in a row that gave up before the breaker opens; 0 turns it off
 */
record Settings(
        WriteMethod method,
        Duration retryInitial,
        Duration retryMax,
        Duration retryBudget,
        Duration statementTimeout,
        int breakerThreshold,
        Duration breakerOpenFor) {

    static Settings defaults() {
        return new Settings(
                WriteMethod.COPY,
                Duration.ofMillis(100),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                5,
                Duration.ofSeconds(10));
    }
}
