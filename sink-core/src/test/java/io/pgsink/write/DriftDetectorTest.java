package io.pgsink.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.deadletter.Rejection;
import io.pgsink.error.FailureKind;
import io.pgsink.model.SinkRecord;
import io.pgsink.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DriftDetectorTest {

    private final ManualClock clock = new ManualClock();
    private final DriftDetector drift = new DriftDetector("public.orders", 5, clock);

    private static Rejection sql(String state, String column, String constraint) {
        SinkRecord record = new SinkRecord("t", 0, 0, 0L, null, new byte[0], List.of());
        return new Rejection(
                record, FailureKind.POISON, state, "rejected", "SQLException", "orders", column, constraint, 1);
    }

    private static Rejection decode(String column) {
        SinkRecord record = new SinkRecord("t", 0, 0, 0L, null, new byte[0], List.of());
        return new Rejection(record, FailureKind.POISON, null, "bad", "DecodeException", null, column, null, 0);
    }

    /** Feeds {@code count} rejections; returns the index (1-based) of the one that made drift, or 0. */
    private int feed(int count, Rejection rejection) {
        for (int i = 1; i <= count; i++) {
            if (drift.rejected(rejection).isPresent()) {
                return i;
            }
        }
        return 0;
    }

    @Test
    void theNthRejectionInARowWithTheSameSqlStateAndColumnIsDrift() {
        Rejection notNull = sql("23502", "account", null);

        assertThat(feed(4, notNull)).isZero();
        clock.advance(Duration.ofSeconds(30));
        Optional<String> message = drift.rejected(notNull);

        assertThat(message)
                .hasValueSatisfying(m -> assertThat(m)
                        .contains("5 records in a row")
                        .contains("SQLSTATE 23502")
                        .contains("column \"account\"")
                        .contains("table public.orders")
                        .contains("over 30 s")
                        .contains("restore the column's default")
                        .contains("error.drift.consecutive.rejections"));
    }

    @Test
    void aWrittenRecordInBetweenStartsTheCountAgain() {
        Rejection check = sql("23514", null, "orders_amount_check");

        assertThat(feed(4, check)).isZero();
        drift.written();
        assertThat(feed(4, check)).isZero();
        assertThat(drift.rejected(check))
                .hasValueSatisfying(m -> assertThat(m)
                        .contains("constraint \"orders_amount_check\"")
                        .contains("relax the CHECK constraint"));
    }

    @Test
    void aDifferentSqlStateOrColumnStartsANewRun() {
        assertThat(feed(4, sql("23502", "account", null))).isZero();
        assertThat(feed(4, sql("23502", "amount", null))).isZero();
        assertThat(feed(4, sql("22003", "amount", null))).isZero();
        assertThat(feed(1, sql("22003", "amount", null))).isEqualTo(1);
    }

    @Test
    void duplicateKeysTombstonesAndNonObjectsNeitherCountNorBreakARun() {
        Rejection notNull = sql("23502", "account", null);
        assertThat(feed(2, notNull)).isZero();

        assertThat(feed(100, sql("23505", null, "orders_pkey"))).isZero();
        assertThat(feed(100, decode(null))).isZero();

        assertThat(feed(2, notNull)).isZero();
        assertThat(feed(1, notNull)).isEqualTo(1);
    }

    @Test
    void aDecodeFailureThatNamesAColumnCounts() {
        assertThat(feed(5, decode("at"))).isEqualTo(5);
    }

    @Test
    void zeroTurnsTheRuleOff() {
        DriftDetector off = new DriftDetector("public.orders", 0, clock);
        Rejection notNull = sql("23502", "account", null);

        assertThat(IntStream.range(0, 10_000)
                        .anyMatch(i -> off.rejected(notNull).isPresent()))
                .isFalse();
    }

    @Test
    void aTrickleOfOneRejectionPerBatchIsCountedAcrossBatches() {
        // One record per batch: each batch is fed on its own, the run spans them.
        Rejection notNull = sql("23502", "account", null);
        int tripped = 0;
        for (int batch = 1; batch <= 10 && tripped == 0; batch++) {
            clock.advance(Duration.ofMillis(20));
            tripped = drift.rejected(notNull).isPresent() ? batch : 0;
        }
        assertThat(tripped).isEqualTo(5);
    }
}
