package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.testing.ChildJvm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples' documented commands, as a reader runs them: {@code java -jar pgsink-tools.jar example NAME}. */
class ExamplesIT {

    @Test
    void auditLogSurvivesAKillMidStreamWithEveryEventExactlyOnce() throws Exception {
        String output = run(List.of("example", "audit-log", "--records", "6000"));

        assertThat(output)
                .contains("worker 1 KILLED (SIGKILL) mid-stream")
                .contains("worker 2 started")
                .contains("HAVING count(*) > 1;\n    topic | partition | offset | count\n    (0 rows)")
                .contains("SELECT count(*) FROM audit_log;\n    6000")
                .contains("dead-letter topic audit.events.dlt holds 0 record(s)")
                .contains("check: every event exactly once: 6,000 events published, 6,000 rows,"
                        + " 0 duplicate coordinates, 0 dead letters")
                .contains("example audit-log OK");
        // The kill must land mid-stream for the example to show anything: fewer rows than events at that moment.
        assertThat(output).containsPattern("mid-stream, [0-9,]+ of 6,000 rows written");
        assertThat(output).doesNotContain("worker 1 had finished before the kill landed");
    }

    @Test
    void dataSyncLeavesTheReplicaEqualToTheSourceDeletesIncluded() throws Exception {
        String output = run(List.of("example", "data-sync"));

        assertThat(output)
                .contains("published 17 recorded Debezium change events")
                .contains("d:3 tombstone:3 c:30 d:4 tombstone:4 c:6 u:6 d:6 tombstone:6 c:4")
                .contains("worker applied the stream: 17 records written, 0 dead-lettered")
                .contains("SELECT id FROM replica.cdc_types ORDER BY id;\n    id\n    1\n    2\n    4\n    5\n    30\n"
                        + "    (5 rows)")
                .contains("check: replica equals source: 5 rows in the replica, 0 missing from it, 0 extra in it")
                .contains("example data-sync OK");
    }

    private static String run(List<String> args) throws Exception {
        try (ChildJvm example = ChildJvm.startTools(List.of("-Xmx512m"), args, Map.of())) {
            int exit = example.waitFor(Duration.ofMinutes(3));
            String output = example.output();
            assertThat(exit).as(output).isZero();
            return output;
        }
    }
}
