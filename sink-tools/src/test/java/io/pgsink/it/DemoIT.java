package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.testing.ChildJvm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's first command, as a user runs it: the tools jar's demo, in its own JVM. */
class DemoIT {

    @Test
    void demoSinksTheSampleStreamChecksTheTableAndShowsTheDeadLetters() throws Exception {
        try (ChildJvm demo = ChildJvm.startTools(List.of("-Xmx1g"), List.of("demo", "--records", "20000"), Map.of())) {
            int exit = demo.waitFor(Duration.ofMinutes(4));
            String output = demo.output();

            assertThat(exit).as(output).isZero();
            assertThat(output)
                    .contains("check: table demo_events holds exactly the 20,000 good events, value for value")
                    .contains("dead-letter topic demo.events.dlt holds 5 record(s)")
                    .contains("sqlstate=23502")
                    .contains("sqlstate=23514")
                    .contains("sqlstate=22001")
                    .contains("PostgreSQL: psql postgresql://")
                    .contains("Kafka bootstrap servers: ")
                    .contains("demo OK");
        }
    }
}
