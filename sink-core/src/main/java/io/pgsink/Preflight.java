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
 * What {@code pgsink validate} checks before a worker is started with a config, for every route: the database is
 * reachable, each table a route names exists and fits the route (key columns, a unique index where the mode or
 * deletes match rows by key, the mapping), the listed topics exist, each dead-letter topic exists and may be
 * written or would be created, and the consumer group's state; and the plan a worker would follow, per route.
 * Reads only: nothing is created or changed.
 */
public final class Preflight {

    /** One check: what was checked, whether it passed, and what was found or how to fix it. */
    public record Check(String subject, boolean ok, String detail) {}

    /**
     * One route of the plan: which topics (listed, or {@code /pattern/}) go to which table, how, keyed by what
     * and from where, read as what, and whether deletes remove rows.
     */
    public record Route(
            String name,
            List<String> topics,
            String table,
            String mode,
            String key,
            String format,
            String keySource,
            boolean deletes) {}

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
        TableCheck.Result tables = TableCheck.run(config);
        tables.findings().forEach(f -> checks.add(new Check(f.subject(), f.ok(), f.detail())));
        kafka(config, checks);
        List<Route> plan = new ArrayList<>();
        for (io.pgsink.config.Route route : config.routes()) {
            plan.add(planOf(route, tables.keys().get(route.name())));
        }
        return new Report(List.copyOf(checks), List.copyOf(plan));
    }

    private static Route planOf(io.pgsink.config.Route route, List<String> key) {
        List<String> topics = new ArrayList<>(route.topics());
        if (route.topicPattern() != null) {
            topics.add("/" + route.topicPattern().pattern() + "/");
        }
        String keyText = key != null
                ? key.isEmpty() ? "none" : String.join(", ", key)
                : TableCheck.knownTables(route).isEmpty()
                        ? "per table (checked when a topic is first seen)"
                        : "unknown (table not read)";
        return new Route(
                route.name(),
                topics,
                route.table(),
                name(route.mode()),
                keyText,
                name(route.format()),
                name(route.keySource()),
                route.deletes());
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
            Map<String, Integer> partitions =
                    admin.partitionCounts(config.routing().listedTopics());
            checks.add(new Check("kafka", true, "connected to " + config.bootstrapServers()));
            partitions.forEach((topic, count) -> checks.add(
                    count < 0
                            ? new Check(
                                    "topic " + topic,
                                    false,
                                    "does not exist: create it, or fix " + topicsKey(config, topic))
                            : new Check("topic " + topic, true, count + " partition(s)")));
            deadLetterTopics(config, checks);
            checks.add(new Check("group " + config.groupId(), true, admin.groupState()));
        } catch (IllegalStateException e) {
            checks.add(new Check("kafka", false, e.getMessage()));
        }
    }

    /** The key that lists {@code topic}: kafka.topics for the flat single route, else the route's topics. */
    private static String topicsKey(SinkConfig config, String topic) {
        String route = config.routing().routeOf(topic).name();
        return route.equals(io.pgsink.config.Route.DEFAULT_NAME) ? "kafka.topics" : "route." + route + ".topics";
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
