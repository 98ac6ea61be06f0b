package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsink.Health;
import io.pgsink.SinkWorker;
import io.pgsink.config.SinkConfig;
import io.pgsink.testing.TestServices;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A route with {@code auto.add.columns}: when Connect JSON records start carrying new typed fields mid-stream, a
 * nullable column is added for each, later records' values land in it, earlier rows stay NULL there, and nothing
 * is dead-lettered.
 */
class AddColumnIT {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final TestServices services = TestServices.get();
    private final String s = "acol" + SEQUENCE.incrementAndGet() + "_" + (System.nanoTime() % 100_000);
    private final RouteStreams streams = new RouteStreams(services, "g.addcolumn." + s);

    private static String value(long id, boolean grown) {
        String fields = "{\"field\":\"id\",\"type\":\"int64\",\"optional\":false},"
                + "{\"field\":\"name\",\"type\":\"string\",\"optional\":true}"
                + (grown
                        ? ",{\"field\":\"score\",\"type\":\"int32\",\"optional\":true},"
                                + "{\"field\":\"Seen At\",\"type\":\"string\",\"optional\":true,"
                                + "\"name\":\"io.debezium.time.ZonedTimestamp\"}"
                        : "");
        String payload = "\"id\":" + id + ",\"name\":\"n" + id + "\""
                + (grown ? ",\"score\":" + id * 2 + ",\"Seen At\":\"2024-03-01T10:00:0" + id % 10 + "Z\"" : "");
        return "{\"schema\":{\"type\":\"struct\",\"optional\":false,\"fields\":[" + fields + "]},\"payload\":{"
                + payload + "}}";
    }

    @Test
    void aNewTypedFieldGetsANullableColumnAndLaterValuesLandInIt() throws Exception {
        String topic = "grow." + s;
        String table = "grow_" + s;
        services.createTopic(topic, 2);
        streams.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text NOT NULL)");
        Map<String, String> c = streams.config();
        c.put("route.grow.topics", topic);
        c.put("route.grow.table", table);
        c.put("route.grow.format", "connect-json");
        c.put("route.grow.mode", "upsert");
        c.put("route.grow.auto.add.columns", "true");
        c.put("write.concurrency", "2");

        try (SinkWorker worker = SinkWorker.start(SinkConfig.parse(c))) {
            streams.produce(topic, 0, 100, id -> "k" + id, id -> value(id, false));
            await().atMost(Duration.ofMinutes(2)).until(() -> streams.committed(topic) == 100);
            streams.produce(topic, 100, 200, id -> "k" + id, id -> value(id, true));
            await().atMost(Duration.ofMinutes(2)).until(() -> streams.committed(topic) == 200);

            assertThat(worker.health().status()).isEqualTo(Health.Status.RUNNING);
            assertThat(worker.stats().recordsDeadLettered()).isZero();
        }

        assertThat(streams.shape(table))
                .isEqualTo("id bigint not null, name text not null, score integer,"
                        + " Seen At timestamp with time zone pk(id)");
        assertThat(streams.query("SELECT count(*) || '/' || sum(id) FROM " + table))
                .isEqualTo("200/19900");
        assertThat(streams.query(
                        "SELECT count(*) FROM " + table + " WHERE id < 100 AND score IS NULL AND \"Seen At\" IS NULL"))
                .as("earlier rows are NULL in the new columns")
                .isEqualTo("100");
        assertThat(streams.query("SELECT count(*) FROM " + table + " WHERE id >= 100 AND score = id * 2"
                        + " AND \"Seen At\" = timestamptz '2024-03-01 10:00:00+00' + (id % 10) * interval '1 second'"))
                .isEqualTo("100");
    }

    @Test
    void aUserWhoMayNotAlterTheTableStopsItsRouteNamingThePrivilege() throws Exception {
        String topic = "grow." + s;
        String table = "grow_" + s;
        String user = "noalter_" + s;
        services.createTopic(topic, 1);
        streams.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text NOT NULL)");
        streams.execute("CREATE ROLE " + user + " LOGIN PASSWORD 'pw'");
        streams.execute("GRANT SELECT, INSERT, UPDATE ON " + table + " TO " + user);
        Map<String, String> c = streams.config();
        c.put("postgres.user", user);
        c.put("postgres.password", "pw");
        c.put("delivery.guarantee", "at-least-once");
        c.put("route.grow.topics", topic);
        c.put("route.grow.table", table);
        c.put("route.grow.format", "connect-json");
        c.put("route.grow.auto.add.columns", "true");

        try (SinkWorker worker = SinkWorker.start(SinkConfig.parse(c))) {
            streams.produce(topic, 0, 10, id -> "k" + id, id -> value(id, false));
            await().atMost(Duration.ofMinutes(1)).until(() -> streams.committed(topic) == 10);
            streams.produce(topic, 10, 20, id -> "k" + id, id -> value(id, true));
            await().atMost(Duration.ofMinutes(1)).until(() -> worker.health().status() != Health.Status.RUNNING);

            assertThat(worker.health().detail())
                    .contains("route grow, table " + table)
                    .contains("schema evolution needs ownership of table \"public\".\"" + table + "\"")
                    .contains("42501");
            assertThat(streams.committed(topic))
                    .as("nothing past the stop is committed")
                    .isEqualTo(10);
            assertThat(worker.stats().recordsDeadLettered()).isZero();
        }
        assertThat(streams.query("SELECT count(*) FROM " + table)).isEqualTo("10");
    }
}
