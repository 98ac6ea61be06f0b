package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code pgsink validate}, run from the worker jar as an operator would, against a real broker and database. */
class ValidateCommandIT {

    @Test
    void aGoodConfigPassesEveryCheckAndPrintsThePlan() throws Exception {
        SinkFixture f = new SinkFixture("validate_ok", 3);

        String output = validate(f.config("write.mode", "upsert"), 0);

        assertThat(output)
                .contains("ok      database: connected to ")
                .contains("ok      table " + f.table + ": 6 writable column(s), key (id)")
                .contains("ok      key [id]: covered by a unique index")
                .contains("ok      topic " + f.topic + ": 3 partition(s)")
                .contains("ok      dead-letter topic " + f.topic + ".dlt: exists, 1 partition(s)")
                .contains("ok      group " + f.group + ": ")
                .contains("route default: " + f.topic + " -> " + f.table + ", mode upsert, key id, format json")
                .contains("valid")
                .doesNotContain("FAILED");
    }

    @Test
    void aMissingTableAndAMissingTopicFailNamingEach() throws Exception {
        SinkFixture f = new SinkFixture("validate_missing", 1, false, null);

        String output = validate(f.config("kafka.topics", f.topic + ",no.such.topic"), 1);

        assertThat(output)
                .contains("FAILED  table " + f.table + ": table ")
                .contains(f.table + " does not exist")
                .contains("create it or fix the 'table' setting")
                .contains("ok      topic " + f.topic + ": 1 partition(s)")
                .contains("FAILED  topic no.such.topic: does not exist: create it, or fix kafka.topics")
                .contains("ok      dead-letter topic " + f.topic + ".dlt: missing: a worker creates it at start")
                .contains("2 check(s) failed");
    }

    @Test
    void anUpsertKeyWithoutAUniqueIndexAndAMissingDeadLetterTopicThatMayNotBeCreatedFail() throws Exception {
        SinkFixture f = new SinkFixture("validate_key", 1, false, SinkFixture.TABLE_DDL);

        String output = validate(
                f.config("write.mode", "upsert", "key.columns", "account", "deadletter.topic.create", "false"), 1);

        assertThat(output)
                .contains("FAILED  key [account]: no unique index or primary key on exactly these columns")
                .contains("FAILED  dead-letter topic " + f.topic + ".dlt: dead-letter topic " + f.topic
                        + ".dlt does not exist and deadletter.topic.create=false")
                .contains("2 check(s) failed");
    }

    private static String validate(Map<String, String> config, int expectedExit) throws Exception {
        Path file = ChildJvm.propertiesFile(config);
        try (ChildJvm child =
                ChildJvm.start(List.of("-Xmx256m"), List.of("validate", "--config", file.toString()), Map.of())) {
            assertThat(child.waitFor(Duration.ofMinutes(2))).as(child.output()).isEqualTo(expectedExit);
            return child.output();
        }
    }
}
