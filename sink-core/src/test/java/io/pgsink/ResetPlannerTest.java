package io.pgsink;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.PartitionOffsets.StartFrom;
import org.junit.jupiter.api.Test;

/** The reset arithmetic: targets clamped to [log start, log end], as Kafka's tool does, and the plan says so. */
class ResetPlannerTest {

    /** A partition whose log holds offsets 50..299 and whose worker would start at 200. */
    private static final PartitionOffsets AT_200 =
            new PartitionOffsets("t", 0, 200, 200, 3, "w", 50, 300, 200, StartFrom.PROGRESS_TABLE, 100);

    @Test
    void toOffsetInsideTheLogIsTakenAsIs() {
        ResetPlan.PartitionReset reset = ResetPlanner.plan(ResetSpec.toOffset(100), AT_200, -1);

        assertThat(reset).isEqualTo(new ResetPlan.PartitionReset("t", 0, 200, 100, ""));
    }

    @Test
    void toOffsetOutsideTheLogIsClampedAndSaysSo() {
        assertThat(ResetPlanner.plan(ResetSpec.toOffset(10), AT_200, -1))
                .isEqualTo(new ResetPlan.PartitionReset("t", 0, 200, 50, "10 is before the log start: clamped to 50"));
        assertThat(ResetPlanner.plan(ResetSpec.toOffset(1_000), AT_200, -1))
                .isEqualTo(new ResetPlan.PartitionReset("t", 0, 200, 300, "1000 is past the log end: clamped to 300"));
    }

    @Test
    void shiftByMovesFromWhereAWorkerWouldStart() {
        assertThat(ResetPlanner.plan(ResetSpec.shiftBy(-25), AT_200, -1).next()).isEqualTo(175);
        assertThat(ResetPlanner.plan(ResetSpec.shiftBy(-500), AT_200, -1).next())
                .isEqualTo(50);
        assertThat(ResetPlanner.plan(ResetSpec.shiftBy(Long.MAX_VALUE), AT_200, -1)
                        .next())
                .isEqualTo(300);
    }

    @Test
    void shiftByWithNothingStoredMovesFromTheLogStart() {
        PartitionOffsets none = new PartitionOffsets("t", 1, -1, -1, -1, null, 50, 300, -1, StartFrom.NONE, -1);

        assertThat(ResetPlanner.plan(ResetSpec.shiftBy(10), none, -1))
                .isEqualTo(new ResetPlan.PartitionReset("t", 1, -1, 60, ""));
    }

    @Test
    void earliestAndLatestAreTheLogBounds() {
        assertThat(ResetPlanner.plan(ResetSpec.toEarliest(), AT_200, -1).next()).isEqualTo(50);
        assertThat(ResetPlanner.plan(ResetSpec.toLatest(), AT_200, -1).next()).isEqualTo(300);
    }

    @Test
    void datetimeTakesTheFirstOffsetAtOrAfterItOrTheLogEnd() {
        ResetSpec spec = ResetSpec.toDatetime(java.time.Instant.parse("2026-11-30T07:00:00Z"));

        assertThat(ResetPlanner.plan(spec, AT_200, 120).next()).isEqualTo(120);
        assertThat(ResetPlanner.plan(spec, AT_200, -1))
                .isEqualTo(
                        new ResetPlan.PartitionReset("t", 0, 200, 300, "no record at or after that time: the log end"));
    }
}
