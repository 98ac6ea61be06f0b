package io.pgsink.client;

import java.time.Clock;
import java.time.Duration;

/**
 * Fails fast while the database is down. Closed: batches run. After {@code threshold} batches in a row gave up on
 * transient failures, open: batches fail at once for {@code openFor}. Then half-open: one batch probes the
 * database; its success closes the breaker, its failure opens it again. A threshold of 0 turns it off.
 */
final class CircuitBreaker {

    private final int threshold;
    private final Duration openFor;
    private final Clock clock;
    private int failures;
    private long openUntil = -1;
    private boolean probing;

    CircuitBreaker(int threshold, Duration openFor, Clock clock) {
        this.threshold = threshold;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** Whether a batch may run now; in half-open state only one caller (the probe) is let through. */
    synchronized boolean allow() {
        if (threshold == 0 || openUntil < 0) {
            return true;
        }
        if (clock.millis() < openUntil || probing) {
            return false;
        }
        probing = true;
        return true;
    }

    synchronized void succeeded() {
        failures = 0;
        openUntil = -1;
        probing = false;
    }

    /** A batch gave up on transient failures (the database unreachable or refusing). */
    synchronized void failed() {
        failures++;
        if (threshold > 0 && (probing || failures >= threshold)) {
            openUntil = clock.millis() + openFor.toMillis();
        }
        probing = false;
    }

    synchronized boolean open() {
        return openUntil >= 0;
    }

    /** How long until a probe may run: zero when closed or when the open time is over. */
    synchronized Duration untilProbe() {
        if (threshold == 0 || openUntil < 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.max(0, openUntil - clock.millis()));
    }
}
