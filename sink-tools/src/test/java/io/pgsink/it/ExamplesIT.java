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

    @Test
    void etlLoadsEveryGoodLineAndAccountsForMalformedLinesAndRefusedRows() throws Exception {
        String output = run(List.of("example", "etl"));

        assertThat(output)
                .contains("extract done: 3,008 data lines read, 3,003 published to etl.trips, 5 rejected as malformed")
                .contains("malformed lines (rejected before publishing): 5\n"
                        + "  line 102: expected 11 fields, found 3\n"
                        + "  line 503: started_at is not a valid yyyy-MM-dd HH:mm:ss time\n"
                        + "  line 904: trip_id is not a UUID\n"
                        + "  line 1305: fare_eur is not a decimal number\n"
                        + "  line 1706: extras is not a JSON object\n")
                .contains("POISON, SQLSTATE 23514, constraint trips_ended_after_started")
                .contains("POISON, SQLSTATE 23505, constraint trips_pkey")
                .contains("POISON, SQLSTATE 23514, constraint trips_fare_not_negative")
                .contains("  (3 dead letters)")
                .contains("SELECT count(*) FROM trips;\n    3000")
                // Typed on the way: an instant from a Berlin local time, a derived duration, exact decimals, jsonb.
                .contains("    ad38973b-0078-3839-b543-c672c53b847a | 2026-05-01 04:09:14 | 316 | member | 0.00 |"
                        + " {\"promo\": \"SPRING26\", \"helmet\": false}")
                .contains(
                        "summary: 3,008 data lines read, 5 rejected as malformed, 3,003 published, 3,000 rows in trips,"
                                + " 3 dead letters")
                .contains("check: every line accounted for")
                .contains("example etl OK");
    }

    @Test
    void migrationKilledMidwayResumesAndEndsWithMatchingTables() throws Exception {
        String output = run(List.of("example", "migration", "--rows", "200000"));

        assertThat(output)
                .containsPattern("run 1 KILLED \\(SIGKILL\\) with [0-9,]+ rows in the target at that moment")
                .contains("[run 2] source table orders exists: using it as it is")
                .containsPattern("\\[run 2\\] publisher resumes after id [0-9,]+ \\(checkpoint table")
                .containsPattern("\\[run 2\\]   source: 200,000 rows, checksum (-?[0-9]+)\n"
                        + "\\[run 2\\]   target: 200,000 rows, checksum \\1\n")
                .contains("[run 2]   dead-letter topic migration.orders.dlt holds 0 record(s)")
                .contains("[run 2] check: MATCH")
                .contains("run 2 exited with code 0")
                .contains("example migration OK");
        assertThat(output).doesNotContain("run 1 ended before the kill landed");
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
