package io.pgsink.client;

import java.time.Duration;
import java.util.List;

/**
 * A batch in numbers, once it committed.
 *
 * @param attempts transactions it took: 1, plus one per retry after a transient failure
 * @param failures the outcomes of the operations that failed, in operation order
 */
public record BatchSummary(
        int operations, int succeeded, long rowsAffected, int attempts, Duration elapsed, List<Outcome> failures) {

    public BatchSummary {
        failures = List.copyOf(failures);
    }

    public int failed() {
        return failures.size();
    }
}
