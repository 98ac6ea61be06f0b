package io.pgsink;

import io.pgsink.config.SinkConfig;
import io.pgsink.consume.GroupAdmin;
import io.pgsink.deadletter.DeadLetterException;
import io.pgsink.deadletter.DeadLetterTopics;
import io.pgsink.pg.TableCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code pgsink validate} checks before a worker is started with a config: the database is reachable, the
 * table exists and fits the settings (key columns, and in upsert mode a unique index on them), the topics exist,
 * each dead-letter topic exists and may be written or would be created, and the consumer group's state; and the
 * plan a worker would follow. Reads only: nothing is created or changed.
 */
public final class Preflight {

    /** One check: what was checked, whether it passed, and what was found or how to fix it. */
    public record Check(String subject, boolean ok, String detail) {}

    /** One route of the plan: which topics go to which table, how, keyed by what, read as what. */
    public record Route(String name, List<String> topics, String table, String mode, String key, String format) {}

    /** Every check, in the order run, and the plan. */
    public record Report(List<Check> checks, List<Route> plan) {

        /** Whether every check passed. */
        public boolean ok() {
            return checks.stream().allMatch(Check::ok);
        }
    }

    private Preflight() {}

    public static Report run(SinkConfig config) throws InterruptedException {
        List<Check> checks = new ArrayList<>();
        TableCheck.Result table = TableCheck.run(config);
        table.findings().forEach(f -> checks.add(new Check(f.subject(), f.ok(), f.detail())));
        kafka(config, checks);
        String key = table.key() == null
                ? "unknown (table not read)"
                : table.key().isEmpty() ? "none" : String.join(", ", table.key());
        // One route until routes land in the config: every topic to the one table.
        Route route = new Route("default", config.topics(), config.table(), name(config.writeMode()), key, "json");
        return new Report(List.copyOf(checks), List.of(route));
    }

    private static void kafka(SinkConfig config, List<Check> checks) throws InterruptedException {
        GroupAdmin admin;
        try {
            admin = GroupAdmin.open(config);
        } catch (IllegalStateException e) {
            checks.add(new Check("kafka", false, e.getMessage()));
            return;
        }
        try (admin) {
            Map<String, Integer> partitions = admin.partitionCounts(config.topics());
            checks.add(new Check("kafka", true, "connected to " + config.bootstrapServers()));
            partitions.forEach((topic, count) -> checks.add(
                    count < 0
                            ? new Check("topic " + topic, false, "does not exist: create it, or fix kafka.topics")
                            : new Check("topic " + topic, true, count + " partition(s)")));
            deadLetterTopics(config, checks);
            checks.add(new Check("group " + config.groupId(), true, admin.groupState()));
        } catch (IllegalStateException e) {
            checks.add(new Check("kafka", false, e.getMessage()));
        }
    }

    private static void deadLetterTopics(SinkConfig config, List<Check> checks) throws InterruptedException {
        try (DeadLetterTopics topics = DeadLetterTopics.open(config, "pgsink-validate")) {
            for (String topic : DeadLetterQueue.topics(config)) {
                try {
                    checks.add(new Check("dead-letter topic " + topic, true, topics.check(topic)));
                } catch (DeadLetterException e) {
                    checks.add(new Check("dead-letter topic " + topic, false, e.getMessage()));
                }
            }
        }
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
