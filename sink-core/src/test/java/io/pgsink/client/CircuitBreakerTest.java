package io.pgsink.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private Instant now = Instant.parse("2026-11-30T12:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), clock);

    @Test
    void opensAfterTheThresholdOfFailedBatchesInARowAndFailsFastUntilItsTimeIsUp() {
        breaker.failed();
        breaker.failed();
        assertThat(breaker.allow()).isTrue();
        breaker.failed();

        assertThat(breaker.allow()).isFalse();
        now = now.plusSeconds(9);
        assertThat(breaker.allow()).isFalse();
    }

    @Test
    void aSuccessBetweenFailuresStartsTheCountAgain() {
        breaker.failed();
        breaker.failed();
        breaker.succeeded();
        breaker.failed();
        breaker.failed();

        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.open()).isFalse();
    }

    @Test
    void halfOpenLetsOneProbeThroughWhoseSuccessClosesIt() {
        open();
        now = now.plusSeconds(10);

        assertThat(breaker.allow()).as("the probe").isTrue();
        assertThat(breaker.allow()).as("a second caller while the probe runs").isFalse();
        breaker.succeeded();
        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.open()).isFalse();
    }

    @Test
    void aFailedProbeOpensItAgainForTheWholeTime() {
        open();
        now = now.plusSeconds(10);
        assertThat(breaker.allow()).isTrue();

        breaker.failed();

        assertThat(breaker.allow()).isFalse();
        now = now.plusSeconds(9);
        assertThat(breaker.allow()).isFalse();
        now = now.plusSeconds(1);
        assertThat(breaker.allow()).isTrue();
    }

    @Test
    void aThresholdOfZeroNeverOpens() {
        CircuitBreaker off = new CircuitBreaker(0, Duration.ofSeconds(10), clock);
        for (int i = 0; i < 100; i++) {
            off.failed();
        }
        assertThat(off.allow()).isTrue();
    }

    private void open() {
        for (int i = 0; i < 3; i++) {
            breaker.failed();
        }
        assertThat(breaker.allow()).isFalse();
    }

    @Test
    void tellsHowLongUntilAProbeMayRun() {
        assertThat(breaker.untilProbe()).isZero();
        breaker.failed();
        breaker.failed();
        breaker.failed();

        assertThat(breaker.untilProbe()).isEqualTo(Duration.ofSeconds(10));
        now = now.plusSeconds(4);
        assertThat(breaker.untilProbe()).isEqualTo(Duration.ofSeconds(6));
        now = now.plusSeconds(7);
        assertThat(breaker.untilProbe()).isZero();
        assertThat(breaker.allow()).isTrue(); // the probe
        breaker.succeeded();
        assertThat(breaker.untilProbe()).isZero();
    }
}
