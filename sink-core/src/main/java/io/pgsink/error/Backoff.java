package io.pgsink.error;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * Bounded exponential backoff with jitter for transient failures, from resilience4j's interval functions. Only the
 * delays come from resilience4j; the waiting is done by an injected {@link Sleeper}, so it can be interrupted on
 * shutdown and driven by tests.
 */
public final class Backoff {

    private final IntervalFunction intervals;
    private final Sleeper sleeper;

    public Backoff(Duration initial, Duration max, Sleeper sleeper) {
        this.intervals = IntervalFunction.ofExponentialRandomBackoff(initial.toMillis(), 2.0, 0.5, max.toMillis());
        this.sleeper = sleeper;
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt) {
        return Duration.ofMillis(intervals.apply(attempt));
    }

    /** Sleeps the delay for {@code attempt}; throws if the thread is interrupted (shutdown). */
    public void pause(int attempt) throws InterruptedException {
        sleeper.sleep(delay(attempt));
    }
}
