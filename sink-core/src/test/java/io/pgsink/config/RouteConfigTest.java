package io.pgsink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteConfigTest {

    private static Map<String, String> base(String... keysAndValues) {
        Map<String, String> properties = new HashMap<>();
        properties.put("kafka.bootstrap.servers", "kafka-1:9092");
        properties.put("kafka.group.id", "sink");
        properties.put("postgres.url", "jdbc:postgresql://db:5432/app");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    private static List<String> problemsOf(Map<String, String> properties) {
        return SinkConfigTest.problemsOf(properties);
    }

    @Test
    void flatKeysMakeTheSingleDefaultRoute() {
        SinkConfig config = SinkConfig.parse(
                SinkConfigTest.minimalWith("write.mode", "upsert", "key.columns", "id", "deadletter.topic", "bad"));

        assertThat(config.routes()).singleElement().satisfies(route -> {
            assertThat(route.name()).isEqualTo(Route.DEFAULT_NAME);
            assertThat(route.topics()).containsExactly("orders");
            assertThat(route.topicPattern()).isNull();
            assertThat(route.table()).isEqualTo("public.orders");
            assertThat(route.mode()).isEqualTo(WriteMode.UPSERT);
            assertThat(route.keyColumns()).containsExactly("id");
            assertThat(route.keySource()).isEqualTo(KeySource.VALUE);
            assertThat(route.format()).isEqualTo(InputFormat.JSON);
            assertThat(route.mapping().isIdentity()).isTrue();
            assertThat(route.deadLetterTopicFor("orders")).isEqualTo("bad");
            assertThat(route.deletes()).isFalse();
        });
        assertThat(config.routing().subscription()).isEmpty();
    }

    @Test
    void routeKeysParseEverySettingWithItsDefaults() {
        SinkConfig config = SinkConfig.parse(base(
                "route.orders.topics", "orders,returns",
                "route.orders.table", "shop.orders",
                "route.orders.mode", "upsert",
                "route.orders.key.columns", "tenant,id",
                "route.orders.mapping.rename", "orderId:order_id",
                "route.orders.mapping.paths", "city:address.city",
                "route.orders.mapping.metadata", "topic:src_topic,offset:src_offset",
                "route.orders.mapping.headers", "trace-id:trace_id",
                "route.orders.mapping.value.column", "payload",
                "route.orders.mapping.naming", "snake-case",
                "route.orders.mapping.include", "id,amount",
                "route.orders.auto.create", "true",
                "route.orders.declared.columns", "tenant text, id bigint,amount numeric(10,2)",
                "route.cdc.topics.regex", "db\\..*",
                "route.cdc.table", "${topic}",
                "route.cdc.format", "debezium",
                "route.cdc.update.missing", "insert"));

        assertThat(config.routes()).extracting(Route::name).containsExactly("cdc", "orders");
        Route cdc = config.routes().get(0);
        assertThat(cdc.topicPattern().pattern()).isEqualTo("db\\..*");
        assertThat(cdc.deletes()).as("debezium deletes by default").isTrue();
        assertThat(cdc.truncates()).isFalse();
        assertThat(cdc.missingRows()).isEqualTo(MissingRowPolicy.INSERT);
        assertThat(cdc.mode()).isEqualTo(WriteMode.INSERT);
        assertThat(cdc.tableFor("db.Public-Users")).isEqualTo("db_public_users");
        Route orders = config.routes().get(1);
        assertThat(orders.topics()).containsExactly("orders", "returns");
        assertThat(orders.deletes()).as("json does not delete by default").isFalse();
        assertThat(orders.keyColumns()).containsExactly("tenant", "id");
        assertThat(orders.autoCreate()).isTrue();
        assertThat(orders.declaredColumns()).containsExactly("tenant text", "id bigint", "amount numeric(10,2)");
        assertThat(orders.mapping().rename()).containsExactly(Map.entry("orderId", "order_id"));
        assertThat(orders.mapping().paths()).containsExactly(Map.entry("city", "address.city"));
        assertThat(orders.mapping().metadataColumns())
                .containsOnly(Map.entry("topic", "src_topic"), Map.entry("offset", "src_offset"));
        assertThat(orders.mapping().headerColumns()).containsExactly(Map.entry("trace-id", "trace_id"));
        assertThat(orders.mapping().valueColumn()).isEqualTo("payload");
        assertThat(orders.mapping().naming()).isEqualTo(NamingConvention.SNAKE_CASE);
        assertThat(orders.mapping().include()).containsExactlyInAnyOrder("id", "amount");
        assertThat(orders.deadLetterTopicFor("returns")).isEqualTo("returns.dlt");
        assertThat(config.routing().subscription().orElseThrow().pattern())
                .isEqualTo("(?:db\\..*)|\\Qorders\\E|\\Qreturns\\E");
    }

    @Test
    void flatRouteKeysTogetherWithRouteKeysAreEachNamed() {
        assertThat(problemsOf(base(
                        "kafka.topics", "a",
                        "table", "t",
                        "write.mode", "upsert",
                        "route.r.topics", "b",
                        "route.r.table", "u")))
                .containsExactly(
                        "kafka.topics: set together with route.* keys, which replace it; move it into a route as"
                                + " route.<name>.topics, or drop the route.* keys",
                        "table: set together with route.* keys, which replace it; move it into a route as"
                                + " route.<name>.table, or drop the route.* keys",
                        "write.mode: set together with route.* keys, which replace it; move it into a route as"
                                + " route.<name>.mode, or drop the route.* keys");
    }

    @Test
    void everyRouteProblemIsNamedAtOnce() {
        List<String> problems = problemsOf(base(
                "route.a.topics", "orders",
                "route.a.table", "orders",
                "route.a.mode", "merge",
                "route.a.tabel", "x",
                "route.b.table", "b",
                "route.c.topics", "orders",
                "route.c.topics.regex", "x(",
                "route.c.table", "c",
                "route.bad.name.table", "t",
                "route.d.topics", "d",
                "route.d.table", "${topic}_${partition}",
                "route.d.deletes", "maybe"));

        assertThat(problems)
                .contains(
                        "route.a.tabel: unknown route setting; did you mean route.a.table?",
                        "route.a.mode: \"merge\" is not one of insert, upsert, update, insert-if-absent",
                        "route.b.topics: missing; list the route's topics, e.g. route.b.topics=orders, or set"
                                + " route.b.topics.regex",
                        "route.c.topics: set together with route.c.topics.regex; a route reads a list or a pattern,"
                                + " not both: remove one, or add a second route",
                        "route.d.deletes: \"maybe\" is not true or false; set true or false")
                .anySatisfy(p -> assertThat(p).startsWith("route.bad.name.table: unknown route setting"));
    }

    @Test
    void aTopicClaimedByTwoRoutesIsRefusedNamingBoth() {
        assertThat(problemsOf(base(
                        "route.a.topics", "orders,events.x",
                        "route.a.table", "a",
                        "route.b.topics", "orders",
                        "route.b.table", "b",
                        "route.c.topics.regex", "events\\..*",
                        "route.c.table", "c")))
                .containsExactly(
                        "route.b.topics: topic orders is also listed by route a; a topic belongs to one route:"
                                + " remove it from one",
                        "route.c.topics.regex: matches topic events.x (route a); a topic belongs to one route:"
                                + " narrow the pattern or unlist it");
    }

    @Test
    void declaredColumnsAreCheckedAtStartAndSchemaEvolutionOfSchemalessJsonIsRefused() {
        List<String> problems = problemsOf(base(
                "route.a.topics", "a",
                "route.a.table", "a",
                "route.a.auto.create", "true",
                "route.a.key.columns", "id,tenant",
                "route.a.declared.columns", "id bigint,name text; DROP TABLE x,id int",
                "route.b.topics", "b",
                "route.b.table", "b",
                "route.b.auto.create", "true",
                "route.b.auto.add.columns", "true",
                "route.c.topics", "c",
                "route.c.table", "c",
                "route.c.declared.columns", "id bigint"));

        assertThat(problems)
                .containsExactlyInAnyOrder(
                        "route.a.declared.columns: \"name text; DROP TABLE x\" is not \"name type\" with a PostgreSQL"
                                + " type name (letters, digits, spaces, _ . , ( ) [ ]); write e.g. id bigint",
                        "route.a.declared.columns: column id is declared twice; declare it once",
                        "route.a.key.columns: [id, tenant] must be among route.a.declared.columns [id, name, id]"
                                + " to be the created table's primary key; declare them",
                        "route.b.auto.create: schemaless JSON records carry no types to create a table from; set"
                                + " route.b.declared.columns (e.g. id bigint, name text), or create the table",
                        "route.b.auto.add.columns: schemaless JSON records carry no types, and pgsink does not guess a"
                                + " column's type from values; add the column yourself, or use a format with a schema"
                                + " (connect-json, debezium)",
                        "route.c.declared.columns: is used only with route.c.auto.create=true; set it, or remove the"
                                + " declaration");
    }

    @Test
    void autoCreateAndAddColumnsFromConnectSchemasNeedNoDeclaration() {
        Route route = SinkConfig.parse(base(
                        "route.a.topics", "a",
                        "route.a.table", "a",
                        "route.a.format", "connect-json",
                        "route.a.auto.create", "true",
                        "route.a.auto.add.columns", "true"))
                .routes()
                .get(0);
        assertThat(route.autoCreate()).isTrue();
        assertThat(route.autoAddColumns()).isTrue();
    }

    @Test
    void identifiersOver63BytesAreRefusedWithTheirKey() {
        String long64 = "c".repeat(64);
        List<String> problems = problemsOf(base(
                "route.a.topics", "orders," + "t".repeat(61),
                "route.a.table", "ev_${topic}",
                "route.a.key.columns", long64,
                "route.a.mapping.rename", "f:" + long64,
                "route.a.mapping.metadata", "offset:" + long64,
                "route.b.topics", "b",
                "route.b.table", "s." + "é".repeat(32)));

        assertThat(problems)
                .containsExactlyInAnyOrder(
                        "route.a.table (for topic " + "t".repeat(61) + "): \"ev_" + "t".repeat(61) + "\" is 64 bytes;"
                                + " PostgreSQL cuts identifiers to 63 bytes, so name it with at most 63",
                        "route.a.key.columns: \"" + long64 + "\" is 64 bytes; PostgreSQL cuts identifiers to 63"
                                + " bytes, so name it with at most 63",
                        "route.a.mapping.rename: \"" + long64 + "\" is 64 bytes; PostgreSQL cuts identifiers to 63"
                                + " bytes, so name it with at most 63",
                        "route.a.mapping.metadata: \"" + long64 + "\" is 64 bytes; PostgreSQL cuts identifiers to 63"
                                + " bytes, so name it with at most 63",
                        "route.b.table: \"" + "é".repeat(32) + "\" is 64 bytes; PostgreSQL cuts identifiers to 63"
                                + " bytes, so name it with at most 63");
    }

    @Test
    void templatesWithAnUnknownPlaceholderOrInvalidNameAreRefused() {
        assertThat(problemsOf(base(
                        "route.a.topics", "a",
                        "route.a.table", "${topic}_${partition}",
                        "route.b.topics", "b",
                        "route.b.table", "x.y.${topic}")))
                .containsExactly(
                        "route.a.table: \"${topic}_${partition}\" holds a placeholder other than ${topic}; ${topic}"
                                + " is the only one",
                        "route.b.table: \"x.y.${topic}\" is not name or schema.name (with ${topic} standing for the"
                                + " topic); set a table like public.orders or ev_${topic}");
    }

    @Test
    void coordinatesKeyNeedsTheCoordinateColumnsAndMetadataNamesAreChecked() {
        assertThat(problemsOf(base(
                        "route.a.topics", "a",
                        "route.a.table", "a",
                        "route.a.key.source", "coordinates",
                        "route.a.mapping.metadata", "topic:t,size:s")))
                .containsExactly(
                        "route.a.mapping.metadata: \"size\" is not Kafka metadata; use topic, partition, offset,"
                                + " timestamp, key");
        assertThat(problemsOf(base(
                        "route.a.topics", "a",
                        "route.a.table", "a",
                        "route.a.key.source", "coordinates",
                        "route.a.mapping.metadata", "topic:t")))
                .containsExactly("route.a.key.source: coordinates needs the topic, partition and offset columns; set"
                        + " route.a.mapping.metadata=topic:<column>,partition:<column>,offset:<column>");
    }

    @Test
    void aTopicMatchingTwoPatternsIsRefusedWhenSeenNotGuessed() {
        Routing routing = SinkConfig.parse(base(
                        "route.a.topics.regex", "events\\..*",
                        "route.a.table", "a",
                        "route.b.topics.regex", ".*\\.eu",
                        "route.b.table", "ev_${topic}"))
                .routing();

        assertThat(routing.routeOf("events.us").name()).isEqualTo("a");
        assertThat(routing.tableOf("orders.eu")).isEqualTo("ev_orders_eu");
        assertThatThrownBy(() -> routing.routeOf("events.eu"))
                .isInstanceOf(Routing.RouteException.class)
                .hasMessage("topic events.eu matches routes a and b; a topic belongs to one route: narrow their"
                        + " topics.regex so that only one matches, then restart");
        assertThatThrownBy(() -> routing.routeOf("other")).hasMessageContaining("belongs to no route");
        String longTopic = "x".repeat(70) + ".eu";
        assertThatThrownBy(() -> routing.tableOf(longTopic))
                .isInstanceOf(Routing.RouteException.class)
                .hasMessageStartingWith(
                        "route b, topic " + longTopic + ": \"ev_" + "x".repeat(70) + "_eu\" is 76" + " bytes");
    }
}
