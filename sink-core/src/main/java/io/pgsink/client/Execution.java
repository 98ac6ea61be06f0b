package io.pgsink.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs a batch on an engine and wraps its outcomes, timed, as a result. */
final class Execution {

    private Execution() {}

    /**
     * @param release what closing the result does (return a connection)
     */
    static BatchResult run(BatchEngine engine, List<Op> ops, SessionLease lease, Runnable release) {
        long started = System.nanoTime();
        BatchEngine.Run run;
        try {
            run = engine.run(ops, lease);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release.run();
            throw new DatabaseUnavailableException("interrupted while waiting to retry the batch", e, false);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        return new BatchResult(run.outcomes(), summary(run, started), release);
    }

    private static BatchSummary summary(BatchEngine.Run run, long started) {
        List<Outcome> failures = new ArrayList<>();
        long rows = 0;
        for (Outcome outcome : run.outcomes()) {
            if (outcome.ok()) {
                rows += outcome.rowsAffected();
            } else {
                failures.add(outcome);
            }
        }
        return new BatchSummary(
                run.outcomes().size(),
                run.outcomes().size() - failures.size(),
                rows,
                run.attempts(),
                Duration.ofNanos(System.nanoTime() - started),
                failures);
    }
}
