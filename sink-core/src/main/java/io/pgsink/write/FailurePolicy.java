package io.pgsink.write;

import io.pgsink.config.ErrorSettings;
import io.pgsink.error.FailureClassifier;
import io.pgsink.error.FailureKind;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

/**
 * What a {@link BatchWriter} does with a failure beyond its class: the operator's SQLSTATE overrides, how long a
 * record whose foreign key has no parent yet waits for it (the parent may arrive on another topic a moment later),
 * when a batch that keeps hitting {@code statement_timeout} is split instead of retried unchanged, and the drift
 * rule ({@link DriftDetector}).
 */
public final class FailurePolicy {

    /** A part that timed out this many times in a row is split; one record that does is poison. */
    static final int TIMEOUTS_BEFORE_SPLIT = 3;

    private static final String QUERY_CANCELED = "57014";
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final FailureClassifier classifier;
    private final Duration foreignKeyRetry;
    private final int driftLimit;
    private final Clock clock;

    public FailurePolicy(FailureClassifier classifier, Duration foreignKeyRetry, int driftLimit, Clock clock) {
        this.classifier = classifier;
        this.foreignKeyRetry = foreignKeyRetry;
        this.driftLimit = driftLimit;
        this.clock = clock;
    }

    /** The policy the {@code error.*} settings describe. */
    public static FailurePolicy of(ErrorSettings settings, Clock clock) {
        return new FailurePolicy(
                FailureClassifier.withOverrides(settings.sqlStateOverrides()),
                settings.foreignKeyRetry(),
                settings.driftConsecutiveRejections(),
                clock);
    }

    static FailurePolicy defaults() {
        return of(ErrorSettings.defaults(), Clock.systemUTC());
    }

    FailureKind kindOf(Throwable failure) {
        return classifier.kindOf(failure);
    }

    /** Whether a poison failure is a missing foreign-key parent, which is worth waiting for. */
    boolean waitsForParent(SQLException poison) {
        return !foreignKeyRetry.isZero() && FOREIGN_KEY_VIOLATION.equals(FailureClassifier.sqlState(poison));
    }

    /** Whether the failure is {@code statement_timeout} (or a cancel), which is retried only so often. */
    static boolean isTimeout(SQLException failure) {
        return QUERY_CANCELED.equals(FailureClassifier.sqlState(failure));
    }

    Duration foreignKeyRetry() {
        return foreignKeyRetry;
    }

    long nowMillis() {
        return clock.millis();
    }

    DriftDetector driftDetector(String table) {
        return new DriftDetector(table, driftLimit, clock);
    }
}
