package io.pgsink.error;

import java.time.Duration;

/** Waits; injected so that tests drive retries without real time passing. */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
