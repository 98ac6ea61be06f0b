package io.pgsink.error;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;

/**
 * How transient failures are retried: bounded exponential backoff with jitter (resilience4j's interval function),
 * for as long as the retry budget allows (zero: until the failure clears). Only the delays come from
 * resilience4j; the waiting is done by an injected {@link Sleeper} and the budget measured by an injected clock,
 * so shutdown can interrupt a wait and tests run without real time passing.
 */
public final class RetryPolicy {

    private final IntervalFunction intervals;
    private final Duration budget;
    private final Sleeper sleeper;
    private final Clock clock;

    public RetryPolicy(Duration initial, Duration max, Duration budget, Sleeper sleeper, Clock clock) {
        this.intervals = IntervalFunction.ofExponentialRandomBackoff(initial.toMillis(), 2.0, 0.5, max.toMillis());
        this.budget = budget;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt) {
        return Duration.ofMillis(intervals.apply(attempt));
    }

    /** Now, in the policy's clock, for {@link #awaitRetry}'s {@code failingSinceMillis}. */
    public long nowMillis() {
        return clock.millis();
    }

    /** Waits the delay before retry number {@code attempt}, but no longer than {@code atMost}, whatever the budget. */
    /** Waits {@code delay}, whatever the budget. */
    public void pause(Duration delay) throws InterruptedException {
        sleeper.sleep(delay);
    }

    public void pause(int attempt, Duration atMost) throws InterruptedException {
        Duration delay = delay(attempt);
        sleeper.sleep(delay.compareTo(atMost) < 0 ? delay : atMost);
    }

    /**
     * Waits before retry number {@code attempt}, unless the budget is spent: returns false then, without waiting.
     *
     * @param failingSinceMillis when the first failure of this run of failures happened
     * @throws InterruptedException when the worker is shutting down
     */
    public boolean awaitRetry(int attempt, long failingSinceMillis) throws InterruptedException {
        return awaitRetry(failingSinceMillis, delay(attempt));
    }

    /** {@link #awaitRetry(int, long)} with a delay drawn beforehand ({@link #delay}), e.g. to report it first. */
    public boolean awaitRetry(long failingSinceMillis, Duration delay) throws InterruptedException {
        if (!budget.isZero() && clock.millis() - failingSinceMillis >= budget.toMillis()) {
            return false;
        }
        sleeper.sleep(delay);
        return true;
    }

    /** Whether the budget still allows a retry, for a failure run that began at {@code failingSinceMillis}. */
    public boolean withinBudget(long failingSinceMillis) {
        return budget.isZero() || clock.millis() - failingSinceMillis < budget.toMillis();
    }
}
