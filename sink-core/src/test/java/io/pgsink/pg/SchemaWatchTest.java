package io.pgsink.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchemaWatchTest {

    private final ManualClock clock = new ManualClock();
    private final SchemaWatch watch = new SchemaWatch(clock);

    @Test
    void aFieldNeverSeenBeforeAsksForARefreshAtOnce() {
        assertThat(watch.due()).isFalse();

        watch.unknownField("note");

        assertThat(watch.due()).isTrue();
    }

    @Test
    void aFieldSeenBeforeAsksAgainOnlyOnceTheRecheckIntervalPassed() {
        watch.unknownField("extra");
        watch.refreshing();

        watch.unknownField("extra");
        assertThat(watch.due()).isFalse();
        clock.advance(SchemaWatch.RECHECK.minusMillis(1));
        assertThat(watch.due()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(watch.due()).isTrue();

        watch.refreshing();
        clock.advance(SchemaWatch.RECHECK);
        assertThat(watch.due()).as("no sign since the last refresh").isFalse();
    }

    @Test
    void aColumnFailingForTheFirstTimeAsksAtOnceThenOnlyPeriodically() {
        watch.failedColumn("qty");
        assertThat(watch.due()).isTrue();
        watch.refreshing();

        watch.failedColumn("qty");
        assertThat(watch.due()).isFalse();
        watch.failedColumn("amount");
        assertThat(watch.due()).isTrue();
    }

    @Test
    void manyDistinctFieldsStopAskingAtOnceButStillAskPeriodically() {
        for (int i = 0; i < SchemaWatch.MAX_NAMES; i++) {
            watch.unknownField("f" + i);
        }
        watch.refreshing();

        watch.unknownField("one-more");
        assertThat(watch.due()).isFalse();
        clock.advance(SchemaWatch.RECHECK);
        assertThat(watch.due()).isTrue();
    }

    @Test
    void aFailedReadAsksAgain() {
        watch.unknownField("note");
        watch.refreshing();
        watch.refreshFailed();

        assertThat(watch.due()).isTrue();
    }
}
