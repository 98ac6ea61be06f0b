package io.pgsink.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.deadletter.Rejection;
import io.pgsink.error.FailureKind;
import io.pgsink.model.SinkRecord;
import io.pgsink.testing.ManualClock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftTrialTest {

    private final DriftDetector lane = new DriftDetector("public.orders", 3, new ManualClock());

    private static Rejection notNull() {
        SinkRecord record = new SinkRecord("t", 0, 0, 0L, null, new byte[0], List.of());
        return new Rejection(record, FailureKind.POISON, "23502", "null", "SQLException", "orders", "v", null, 1);
    }

    private static Rejection columnDecode() {
        SinkRecord record = new SinkRecord("t", 0, 0, 0L, null, new byte[0], List.of());
        return new Rejection(record, FailureKind.POISON, null, "bad", "DecodeException", null, "at", null, 0);
    }

    @Test
    void rejectionsInOrderMakeDriftAsTheEndOfBatchCheckWould() {
        DriftTrial trial = new DriftTrial(lane.copy(), Map.of());

        assertThat(trial.written(List.of(0, 1))).isEmpty();
        assertThat(trial.rejected(2, notNull())).isEmpty();
        assertThat(trial.rejected(3, notNull())).isEmpty();
        assertThat(trial.rejected(4, notNull())).isPresent();
    }

    @Test
    void aDecodeFailurePassedOnTheWayBreaksTheRunLikeAnyOtherKey() {
        DriftTrial trial = new DriftTrial(lane.copy(), Map.of(3, columnDecode()));

        assertThat(trial.rejected(1, notNull())).isEmpty();
        assertThat(trial.rejected(2, notNull())).isEmpty();
        assertThat(trial.rejected(4, notNull()))
                .as("index 3 failed decoding in between")
                .isEmpty();
    }

    @Test
    void aWrittenPartInBetweenResetsTheRun() {
        DriftTrial trial = new DriftTrial(lane.copy(), Map.of());

        trial.rejected(0, notNull());
        trial.rejected(1, notNull());
        assertThat(trial.written(List.of(2))).isEmpty();
        assertThat(trial.rejected(3, notNull())).isEmpty();
        assertThat(trial.rejected(4, notNull())).isEmpty();
        assertThat(trial.rejected(5, notNull())).isPresent();
    }

    @Test
    void outOfOrderOutcomesAbandonTheTrialAndTheLanesDetectorIsUntouched() {
        DriftTrial trial = new DriftTrial(lane.copy(), Map.of());

        trial.rejected(5, notNull());
        assertThat(trial.rejected(2, notNull())).isEmpty();
        assertThat(trial.rejected(6, notNull())).isEmpty();
        assertThat(trial.rejected(7, notNull())).isEmpty();
        assertThat(lane.rejected(notNull()))
                .as("the lane's detector saw nothing of the trial")
                .isEmpty();
    }
}
