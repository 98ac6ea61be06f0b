package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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

    @Test
    void routesAreCheckedEachAgainstItsOwnTableModeKeyAndMappingAndThePlanShowsEveryRoute() throws Exception {
        SinkFixture f = new SinkFixture("validate_routes", 2);
        String audit = f.topic + ".audit";
        String auditTable = f.table + "_audit";
        f.services.createTopic(audit, 1);
        f.execute("CREATE TABLE " + auditTable + " (id bigint, note text)");
        String pattern = "ev[.]validate[.].*";
        Map<String, String> config = new HashMap<>(f.config(
                "route.accounts.topics", f.topic,
                "route.accounts.table", f.table,
                "route.accounts.mode", "upsert",
                "route.audit.topics", audit,
                "route.audit.table", auditTable,
                "route.audit.mode", "update",
                "route.audit.key.columns", "id",
                "route.audit.key.source", "record-key",
                "route.audit.mapping.metadata", "offset:src_offset",
                "route.events.topics.regex", pattern,
                "route.events.table", "ev_${topic}",
                "route.events.format", "debezium",
                "route.events.deadletter.topic", f.topic + ".events.dlt"));
        config.remove("kafka.topics");
        config.remove("table");

        String output = validate(config, 1);

        assertThat(output)
                .contains("ok      route accounts: table " + f.table + ": 6 writable column(s), key (id)")
                .contains("ok      route accounts: key [id]: covered by a unique index (mode upsert)")
                .contains("ok      route audit: table " + auditTable + ": 2 writable column(s)")
                .contains("FAILED  route audit: key [id]: no unique index or primary key among these columns,"
                        + " which mode update needs: CREATE UNIQUE INDEX ON public." + auditTable)
                .contains("or fix route.audit.key.columns")
                .contains("FAILED  route audit: mapping into " + auditTable + ": ")
                .contains("src_offset")
                .contains("ok      topic " + f.topic + ": 2 partition(s)")
                .contains("ok      topic " + audit + ": 1 partition(s)")
                .contains("ok      dead-letter topic " + f.topic + ".dlt: exists, 1 partition(s)")
                .contains("ok      dead-letter topic " + audit + ".dlt: missing: a worker creates it at start")
                .contains("ok      dead-letter topic " + f.topic + ".events.dlt: missing: a worker creates it")
                .contains("route accounts: " + f.topic + " -> " + f.table + ", mode upsert, key id, format json")
                .contains("route audit: " + audit + " -> " + auditTable
                        + ", mode update, key id from record-key, format json")
                .contains("route events: /" + pattern + "/ -> ev_${topic}, mode insert,"
                        + " key per table (checked when a topic is first seen), format debezium, deletes on")
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
