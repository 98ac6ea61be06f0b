package io.pgsink.it;

import io.pgsink.testing.TestServices;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Producing keyed records, reading a group's committed offsets and querying the database, for route ITs. */
final class RouteStreams {

    private final TestServices services;
    private final String group;

    RouteStreams(TestServices services, String group) {
        this.services = services;
        this.group = group;
    }

    /** A worker's settings for the test services and this group; routes are added by the test. */
    Map<String, String> config() {
        Map<String, String> c = new HashMap<>();
        c.put("kafka.bootstrap.servers", services.kafkaBootstrap());
        c.put("kafka.group.id", group);
        c.put("postgres.url", services.jdbcUrl());
        c.put("postgres.user", services.dbUser());
        c.put("postgres.password", services.dbPassword());
        c.put("shutdown.timeout.ms", "10000");
        return c;
    }

    /** Records {@code from} (inclusive) to {@code to} (exclusive), each with its key and value. */
    void produce(String topic, long from, long to, LongFunction<String> key, LongFunction<String> value) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafkaBootstrap(),
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long id = from; id < to; id++) {
                producer.send(new ProducerRecord<>(
                        topic,
                        key.apply(id).getBytes(StandardCharsets.UTF_8),
                        value.apply(id).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** The group's committed offsets on the topic, summed over its partitions. */
    long committed(String topic) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafkaBootstrap()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && Objects.nonNull(e.getValue()))
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = services.openConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The first column of the first row, as text. */
    String query(String sql) throws SQLException {
        try (Connection c = services.openConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The table's columns as {@code name type [not null]}, in order, and its primary key, e.g. {@code pk(id)}. */
    String shape(String table) throws SQLException {
        return query("SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
                + " || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY a.attnum)"
                + " || ' pk(' || coalesce((SELECT string_agg(k.attname, ',' ORDER BY array_position(i.indkey::int2[],"
                + " k.attnum)) FROM pg_index i JOIN pg_attribute k ON k.attrelid = i.indrelid"
                + " AND k.attnum = ANY(i.indkey) WHERE i.indrelid = '" + table + "'::regclass AND i.indisprimary), '')"
                + " || ')' FROM pg_attribute a WHERE a.attrelid = '" + table + "'::regclass AND a.attnum > 0"
                + " AND NOT a.attisdropped");
    }
}
