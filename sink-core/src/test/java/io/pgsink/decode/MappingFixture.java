package io.pgsink.decode;

import io.pgsink.config.InputFormat;
import io.pgsink.config.KeySource;
import io.pgsink.config.Mapping;
import io.pgsink.config.MissingRowPolicy;
import io.pgsink.config.NamingConvention;
import io.pgsink.config.Route;
import io.pgsink.config.WriteMode;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import io.pgsink.schema.TableSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A table, routes and records for the mapping and key-source tests. */
final class MappingFixture {

    static final List<Column> COLUMNS = List.of(
            column("id", 0, ColumnType.BIGINT, "bigint"),
            column("order_id", 1, ColumnType.BIGINT, "bigint"),
            column("name", 2, ColumnType.TEXT, "text"),
            column("city", 3, ColumnType.TEXT, "text"),
            column("amount", 4, ColumnType.NUMERIC, "numeric(12,2)"),
            column("doc", 5, ColumnType.JSONB, "jsonb"),
            column("topic", 6, ColumnType.TEXT, "text"),
            column("partition", 7, ColumnType.INTEGER, "integer"),
            column("offset", 8, ColumnType.BIGINT, "bigint"),
            column("ts", 9, ColumnType.TIMESTAMPTZ, "timestamp with time zone"),
            column("k", 10, ColumnType.TEXT, "text"),
            column("trace", 11, ColumnType.TEXT, "text"),
            column("http_status", 12, ColumnType.INTEGER, "integer"),
            column("tenant", 13, ColumnType.TEXT, "text"),
            column("raw_key", 14, ColumnType.BYTEA, "bytea"),
            column("key_doc", 15, ColumnType.JSONB, "jsonb"));
    static final TableSchema SCHEMA = new TableSchema(new TableRef("public", "orders"), COLUMNS, List.of("id"));

    private MappingFixture() {}

    static Column column(String name, int index, ColumnType type, String sqlType) {
        return new Column(name, index, type, null, sqlType, false);
    }

    static Column col(String name) {
        return SCHEMA.column(name).orElseThrow();
    }

    static Mapping identity() {
        return Mapping.identity();
    }

    /** A mapping built up by its parts; everything else as the identity. */
    static final class MappingBuilder {
        private Set<String> include = Set.of();
        private Set<String> exclude = Set.of();
        private Map<String, String> rename = Map.of();
        private Map<String, String> paths = Map.of();
        private String valueColumn;
        private Map<String, String> metadata = Map.of();
        private Map<String, String> headers = Map.of();
        private NamingConvention naming = NamingConvention.EXACT;

        MappingBuilder include(String... fields) {
            include = Set.of(fields);
            return this;
        }

        MappingBuilder exclude(String... fields) {
            exclude = Set.of(fields);
            return this;
        }

        MappingBuilder rename(Map<String, String> fieldToColumn) {
            rename = fieldToColumn;
            return this;
        }

        MappingBuilder paths(Map<String, String> columnToPath) {
            paths = columnToPath;
            return this;
        }

        MappingBuilder valueColumn(String column) {
            valueColumn = column;
            return this;
        }

        MappingBuilder metadata(Map<String, String> itemToColumn) {
            metadata = itemToColumn;
            return this;
        }

        MappingBuilder headers(Map<String, String> headerToColumn) {
            headers = headerToColumn;
            return this;
        }

        MappingBuilder snakeCase() {
            naming = NamingConvention.SNAKE_CASE;
            return this;
        }

        Mapping build() {
            return new Mapping(include, exclude, rename, paths, valueColumn, metadata, headers, naming);
        }
    }

    static MappingBuilder mapping() {
        return new MappingBuilder();
    }

    static Route route(Mapping mapping, KeySource keySource, WriteMode mode, boolean deletes) {
        return route(mapping, keySource, mode, deletes, List.of());
    }

    static Route route(Mapping mapping, KeySource keySource, WriteMode mode, boolean deletes, List<String> keys) {
        return new Route(
                "orders",
                List.of("orders"),
                null,
                "orders",
                mode,
                keySource,
                keys,
                InputFormat.JSON,
                mapping,
                null,
                deletes,
                false,
                MissingRowPolicy.SKIP,
                false,
                false,
                List.of());
    }

    /** A decoder for the route; field names that find no column are added to {@code unknown}. */
    static RowDecoder decoder(Route route, List<String> unknown) {
        List<Column> keys = KeyColumns.names(route, SCHEMA).stream()
                .map(MappingFixture::col)
                .toList();
        return new RowDecoder(SCHEMA, route, keys, false, unknown::add);
    }

    static RowDecoder decoder(Route route) {
        return decoder(route, new ArrayList<>());
    }

    static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    static SinkRecord record(String key, String value, SinkRecord.Header... headers) {
        return new SinkRecord("orders", 3, 42L, 1_714_566_600_123L, utf8(key), utf8(value), List.of(headers));
    }

    static SinkRecord.Header header(String key, String value) {
        return new SinkRecord.Header(key, utf8(value));
    }

    /** The row's value per column name, for the columns it sets. */
    static Map<String, String> byName(Row row) {
        Map<String, String> values = new LinkedHashMap<>();
        row.present().stream().forEach(i -> values.put(COLUMNS.get(i).name(), row.values()[i]));
        return values;
    }
}
