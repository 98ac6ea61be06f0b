package io.pgsink.decode;

import static io.pgsink.decode.MappingFixture.mapping;
import static io.pgsink.decode.MappingFixture.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.config.KeySource;
import io.pgsink.config.Mapping;
import io.pgsink.config.WriteMode;
import io.pgsink.model.TableRef;
import io.pgsink.schema.TableSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MappingCheckTest {

    private static List<String> problems(Mapping mapping) {
        return MappingCheck.problems(route(mapping, KeySource.VALUE, WriteMode.UPSERT, false), MappingFixture.SCHEMA);
    }

    @Test
    void aMappingTheTableCanTakeHasNoProblems() {
        Mapping full = mapping()
                .include("id", "name")
                .rename(Map.of("customerName", "name"))
                .paths(Map.of("city", "customer.address.city"))
                .valueColumn("doc")
                .metadata(Map.of(
                        "topic", "topic", "partition", "partition", "offset", "offset", "timestamp", "ts", "key", "k"))
                .headers(Map.of("trace-id", "trace"))
                .snakeCase()
                .build();

        assertThat(problems(full)).isEmpty();
        assertThat(MappingCheck.problems(
                        route(Mapping.identity(), KeySource.COORDINATES, WriteMode.INSERT, false),
                        MappingFixture.SCHEMA))
                .isEmpty();
    }

    @Test
    void mappedColumnsTheTableLacksAreEachReported() {
        Mapping missing = mapping()
                .rename(Map.of("a", "no_a"))
                .paths(Map.of("no_b", "x.y"))
                .valueColumn("no_c")
                .metadata(Map.of("topic", "no_d"))
                .headers(Map.of("h", "no_e"))
                .build();

        List<String> problems = problems(missing);

        assertThat(problems)
                .hasSize(5)
                .allSatisfy(p -> assertThat(p)
                        .startsWith("route \"orders\": ")
                        .contains("which table public.orders does not have"));
        assertThat(String.join("\n", problems))
                .contains("field \"a\" (renamed) goes to column \"no_a\"")
                .contains("path \"x.y\" goes to column \"no_b\"")
                .contains("the whole value goes to column \"no_c\"")
                .contains("the record's topic goes to column \"no_d\"")
                .contains("header \"h\" goes to column \"no_e\"");
    }

    @Test
    void theWholeValueNeedsAJsonOrJsonbColumn() {
        assertThat(problems(mapping().valueColumn("name").build()))
                .containsExactly("route \"orders\": the whole value goes to column \"name\", which is text, not json or"
                        + " jsonb");
    }

    @Test
    void metadataNeedsAColumnThatCanHoldItAndAKnownName() {
        assertThat(problems(mapping()
                        .metadata(Map.of("offset", "name", "timestamp", "doc", "leader", "k"))
                        .build()))
                .containsExactlyInAnyOrder(
                        "route \"orders\": metadata \"leader\" is not one of [topic, partition, offset, timestamp, key]",
                        "route \"orders\": the record's timestamp goes to column \"doc\", which is jsonb and cannot"
                                + " hold it");
        assertThat(problems(mapping().metadata(Map.of("offset", "partition")).build()))
                .containsExactly("route \"orders\": the record's offset goes to column \"partition\", which is integer"
                        + " and cannot hold it");
    }

    @Test
    void twoSourcesForOneColumnAndARenameOntoAnExplicitColumnAreReported() {
        Mapping clash = mapping()
                .metadata(Map.of("key", "k"))
                .headers(Map.of("h", "k"))
                .rename(Map.of("a", "trace", "b", "trace", "c", "k"))
                .build();

        assertThat(String.join("\n", problems(clash)))
                .contains("both go to column \"k\"")
                .contains("field \"c\" is renamed to column \"k\"")
                .contains("several fields are renamed to column \"trace\"");
    }

    @Test
    void anEmptyPathStepIsReported() {
        assertThat(problems(mapping().paths(Map.of("city", "a..b")).build()))
                .containsExactly("route \"orders\": path \"a..b\" for column \"city\" has an empty step");
    }

    @Test
    void keyProblemsAreReported() {
        TableSchema noKey = new TableSchema(new TableRef("public", "orders"), MappingFixture.COLUMNS, List.of());

        assertThat(MappingCheck.problems(
                        route(Mapping.identity(), KeySource.COORDINATES, WriteMode.INSERT, true),
                        MappingFixture.SCHEMA))
                .singleElement()
                .asString()
                .contains("deletes are on, but the key source is the Kafka coordinates");
        assertThat(MappingCheck.problems(
                        route(Mapping.identity(), KeySource.COORDINATES, WriteMode.INSERT, false, List.of("id")),
                        MappingFixture.SCHEMA))
                .singleElement()
                .asString()
                .contains("the key columns must be the topic, partition and offset columns");
        assertThat(MappingCheck.problems(
                        route(Mapping.identity(), KeySource.RECORD_KEY, WriteMode.INSERT, false), noKey))
                .singleElement()
                .asString()
                .contains("a key taken from the record key needs key columns");
        assertThat(MappingCheck.problems(route(Mapping.identity(), KeySource.VALUE, WriteMode.INSERT, true), noKey))
                .singleElement()
                .asString()
                .contains("deletes need key columns");
        assertThat(MappingCheck.problems(
                        route(Mapping.identity(), KeySource.VALUE, WriteMode.UPSERT, false, List.of("nope")),
                        MappingFixture.SCHEMA))
                .containsExactly("route \"orders\": key column \"nope\" is not a column of table public.orders");
    }

    @Test
    void coordinateColumnsTheTableLacksAreReported() {
        Mapping elsewhere = mapping().metadata(Map.of("offset", "off")).build();

        assertThat(MappingCheck.problems(
                        route(elsewhere, KeySource.COORDINATES, WriteMode.INSERT, false), MappingFixture.SCHEMA))
                .contains("route \"orders\": the record's offset goes to column \"off\", which table public.orders"
                        + " does not have");
    }
}
