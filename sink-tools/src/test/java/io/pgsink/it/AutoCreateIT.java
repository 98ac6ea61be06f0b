package io.pgsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgsink.Health;
import io.pgsink.SinkWorker;
import io.pgsink.config.SinkConfig;
import io.pgsink.testing.TestServices;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Routes with {@code auto.create}: a Connect JSON route whose tables do not exist gets each topic's table created on
 * its first record, with the column types of the records' schema and the record key as primary key; a schemaless
 * JSON route gets its table from {@code declared.columns} at start. The rows land in the created tables.
 */
class AutoCreateIT {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final TestServices services = TestServices.get();
    private final String s = "ac" + SEQUENCE.incrementAndGet() + "_" + (System.nanoTime() % 100_000);
    private final RouteStreams streams = new RouteStreams(services, "g.autocreate." + s);

    /** A Connect JsonConverter value with schemas.enable=true. */
    static String connectValue(long id) {
        String amount =
                Base64.getEncoder().encodeToString(BigInteger.valueOf(id * 101).toByteArray());
        return "{\"schema\":{\"type\":\"struct\",\"optional\":false,\"fields\":["
                + "{\"field\":\"id\",\"type\":\"int64\",\"optional\":false},"
                + "{\"field\":\"name\",\"type\":\"string\",\"optional\":true},"
                + "{\"field\":\"amount\",\"type\":\"bytes\",\"optional\":true,"
                + "\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
                + "\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"10\"}},"
                + "{\"field\":\"at\",\"type\":\"int64\",\"optional\":true,"
                + "\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1},"
                + "{\"field\":\"qty\",\"type\":\"int32\",\"optional\":true},"
                + "{\"field\":\"tags\",\"type\":\"array\",\"optional\":true,"
                + "\"items\":{\"type\":\"string\",\"optional\":false}},"
                + "{\"field\":\"ok\",\"type\":\"boolean\",\"optional\":true}]},"
                + "\"payload\":{\"id\":" + id + ",\"name\":\"n" + id + "\",\"amount\":\"" + amount + "\","
                + "\"at\":" + (1_700_000_000_000L + id * 1000) + ",\"qty\":" + id % 7 + ",\"tags\":[\"a\",\"t" + id
                + "\"],\"ok\":" + (id % 2 == 0) + "}}";
    }

    static String connectKey(long id) {
        return "{\"schema\":{\"type\":\"struct\",\"optional\":false,\"fields\":["
                + "{\"field\":\"id\",\"type\":\"int64\",\"optional\":false}]},\"payload\":{\"id\":" + id + "}}";
    }

    @Test
    void aConnectRouteCreatesEachTopicsTableFromTheSchemaOnItsFirstRecord() throws Exception {
        String first = "shop." + s + ".orders";
        String second = "shop." + s + ".refunds";
        services.createTopic(first, 2);
        services.createTopic(second, 1);
        Map<String, String> c = streams.config();
        c.put("route.shop.topics", first + "," + second);
        c.put("route.shop.table", "t_${topic}");
        c.put("route.shop.format", "connect-json");
        c.put("route.shop.mode", "upsert");
        c.put("route.shop.auto.create", "true");
        c.put("write.concurrency", "2");
        String firstTable = "t_shop_" + s + "_orders";
        String secondTable = "t_shop_" + s + "_refunds";

        try (SinkWorker worker = SinkWorker.start(SinkConfig.parse(c))) {
            streams.produce(first, 0, 200, AutoCreateIT::connectKey, AutoCreateIT::connectValue);
            streams.produce(first, 0, 50, AutoCreateIT::connectKey, AutoCreateIT::connectValue); // upserted again
            streams.produce(second, 1000, 1030, AutoCreateIT::connectKey, AutoCreateIT::connectValue);
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> streams.committed(first) == 250 && streams.committed(second) == 30);

            assertThat(worker.health().status()).isEqualTo(Health.Status.RUNNING);
            assertThat(worker.stats().recordsDeadLettered()).isZero();
        }

        String shape =
                "id bigint not null, name text, amount numeric(10,2), at timestamp without time zone, qty integer,"
                        + " tags text[], ok boolean pk(id)";
        assertThat(streams.shape(firstTable)).isEqualTo(shape);
        assertThat(streams.shape(secondTable)).isEqualTo(shape);
        assertThat(streams.query("SELECT count(*) || '/' || sum(id) || '/' || sum(amount) || '/' || sum(qty)"
                        + " || '/' || count(*) FILTER (WHERE ok) FROM " + firstTable))
                .isEqualTo("200/19900/" + new java.math.BigDecimal("20099.00") + "/" + qtySum(0, 200) + "/100");
        assertThat(streams.query("SELECT count(*) FROM " + firstTable + " WHERE name = 'n' || id AND tags = ARRAY['a',"
                        + " 't' || id] AND at = timestamp '2023-11-14 22:13:20' + id * interval '1 second'"))
                .isEqualTo("200");
        assertThat(streams.query("SELECT count(*) || '/' || sum(id) FROM " + secondTable))
                .isEqualTo("30/30435");
    }

    @Test
    void aJsonRouteCreatesItsTableFromDeclaredColumnsAtStart() throws Exception {
        String topic = "events." + s;
        String table = "declared_" + s;
        services.createTopic(topic, 1);
        Map<String, String> c = streams.config();
        c.put("route.events.topics", topic);
        c.put("route.events.table", table);
        c.put("route.events.mode", "upsert");
        c.put("route.events.key.columns", "id");
        c.put("route.events.auto.create", "true");
        c.put("route.events.declared.columns", "id bigint, name text, payload jsonb, amount numeric(12,3)");

        try (SinkWorker worker = SinkWorker.start(SinkConfig.parse(c))) {
            assertThat(streams.shape(table))
                    .as("created at start, before any record")
                    .isEqualTo("id bigint not null, name text, payload jsonb, amount numeric(12,3) pk(id)");
            streams.produce(
                    topic,
                    0,
                    100,
                    id -> "k" + id,
                    id -> "{\"id\":" + id % 60 + ",\"name\":\"e" + id + "\",\"payload\":{\"n\":" + id + "},\"amount\":"
                            + id + ".125}");
            await().atMost(Duration.ofMinutes(2)).until(() -> streams.committed(topic) == 100);
            assertThat(worker.stats().recordsDeadLettered()).isZero();
        }

        // Records 0..59 set ids 0..59, records 60..99 ids 0..39 again: records 40..99 remain (sum 4170), each amount
        // its record number + 0.125 (60 * 0.125 = 7.5).
        assertThat(streams.query("SELECT count(*) || '/' || sum(id) || '/' || sum((payload->>'n')::int) || '/'"
                        + " || sum(amount) FROM " + table))
                .isEqualTo("60/1770/4170/4177.500");
        assertThat(streams.query("SELECT count(*) FROM " + table + " WHERE name = 'e' || (payload->>'n')"))
                .isEqualTo("60");
    }

    @Test
    void aUserWithoutCreateOnTheSchemaIsRefusedAtStartNamingThePrivilege() throws Exception {
        String schema = "locked_" + s;
        String user = "nocreate_" + s;
        streams.execute("CREATE SCHEMA " + schema);
        streams.execute("CREATE ROLE " + user + " LOGIN PASSWORD 'pw'");
        streams.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + user);
        String topic = "locked." + s;
        services.createTopic(topic, 1);
        Map<String, String> c = streams.config();
        c.put("postgres.user", user);
        c.put("postgres.password", "pw");
        c.put("route.locked.topics", topic);
        c.put("route.locked.table", schema + ".events");
        c.put("route.locked.auto.create", "true");
        c.put("route.locked.declared.columns", "id bigint, name text");

        assertThatThrownBy(() -> SinkWorker.start(SinkConfig.parse(c)).close())
                .hasMessageContaining("route.locked.table: table " + schema + ".events: schema evolution needs CREATE"
                        + " on schema \"" + schema + "\" (SQLSTATE 42501 on: CREATE TABLE IF NOT EXISTS")
                .hasMessageContaining("grant it to the worker's database user");
        assertThat(streams.query("SELECT to_regclass('" + schema + ".events') IS NULL"))
                .isEqualTo("t");
    }

    private static long qtySum(long from, long to) {
        long total = 0;
        for (long i = from; i < to; i++) {
            total += i % 7;
        }
        return total;
    }
}
