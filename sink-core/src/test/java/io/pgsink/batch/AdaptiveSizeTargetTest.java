package io.pgsink.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsink.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdaptiveSizeTargetTest {

    private final ManualClock clock = new ManualClock();
    private final AdaptiveSizeTarget target = new AdaptiveSizeTarget(clock, 100, 10_000, Duration.ofMillis(200));

    /** One batch of {@code records}, cut at the current target when it holds that many, taking this long. */
    private void write(int records, long millis) {
        long started = target.startWrite();
        clock.advance(Duration.ofMillis(millis));
        target.written(started, records >= target.records());
    }

    @Test
    void batchesCutFullAtAnOlderSmallerTargetStillLetItGrow() {
        // Under a backlog, batches cut at 100 are still queued when the target has grown past them.
        for (int i = 0; i < 4; i++) {
            long started = target.startWrite();
            clock.advance(Duration.ofMillis(10));
            target.written(started, true);
        }
        assertThat(target.records()).isEqualTo(247); // 100 -> 125 -> 157 -> 197 -> 247
    }

    @Test
    void startsAtTheMinimum() {
        assertThat(target.records()).isEqualTo(100);
    }

    @Test
    void growsWhileFullBatchesCommitUnderTheLatencyTarget() {
        java.util.List<Integer> targets = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            write(target.records(), 50);
            targets.add(target.records());
        }
        assertThat(targets).containsExactly(125, 157, 197, 247, 309); // +25% a step, rounded up
    }

    @Test
    void neverGrowsPastTheMaximum() {
        for (int i = 0; i < 100; i++) {
            write(target.records(), 10);
        }
        assertThat(target.records()).isEqualTo(10_000);
    }

    @Test
    void doesNotGrowWhenBatchesCloseByLingerBeforeTheyAreFull() {
        for (int i = 0; i < 10; i++) {
            write(target.records() / 2, 10);
        }
        assertThat(target.records()).isEqualTo(100);
    }

    @Test
    void shrinksWhenACommitTakesLongerThanTheTarget() {
        for (int i = 0; i < 20; i++) {
            write(target.records(), 10);
        }
        int grown = target.records();

        write(grown, 500);

        assertThat(target.records()).isEqualTo((int) (grown * 0.7));
    }

    @Test
    void halvesOnFailureButNotBelowTheMinimum() {
        for (int i = 0; i < 20; i++) {
            write(target.records(), 10);
        }
        int grown = target.records();
        target.failed();
        assertThat(target.records()).isEqualTo(grown / 2);

        for (int i = 0; i < 20; i++) {
            target.failed();
        }
        assertThat(target.records()).isEqualTo(100);
    }

    @Test
    void settlesNearTheSizeWhoseCommitLatencyMatchesTheTarget() {
        // A database that needs 0.05 ms per row: the target (200 ms) is reached at about 4,000 rows.
        for (int i = 0; i < 200; i++) {
            int records = target.records();
            write(records, records / 20);
        }
        assertThat(target.records()).isBetween(2_500, 5_000);
    }

    @Test
    void rejectsNonsenseBounds() {
        assertThatThrownBy(() -> new AdaptiveSizeTarget(clock, 0, 10, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AdaptiveSizeTarget(clock, 10, 5, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
