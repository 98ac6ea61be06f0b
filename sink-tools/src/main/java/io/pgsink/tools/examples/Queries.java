package io.pgsink.tools.examples;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The examples' verification: each query printed as a reader would type it into psql, with its result. */
final class Queries {

    private final PrintStream out;

    Queries(PrintStream out) {
        this.out = out;
    }

    /** Prints the query and its rows ("(0 rows)" when empty); returns the number of rows. */
    int printQuery(Connection c, String sql) throws SQLException {
        out.println("  postgres=# " + sql + ";");
        int rows = 0;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> header = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                header.add(meta.getColumnLabel(i));
            }
            out.println("    " + String.join(" | ", header));
            while (rs.next()) {
                rows++;
                if (rows <= 10) {
                    List<String> values = new ArrayList<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        values.add(shorten(String.valueOf(rs.getString(i))));
                    }
                    out.println("    " + String.join(" | ", values));
                }
            }
        }
        out.println("    (" + rows + " row" + (rows == 1 ? "" : "s") + ")");
        return rows;
    }

    private static String shorten(String value) {
        String line = value.replace('\n', ' ');
        return line.length() <= 40 ? line : line.substring(0, 37) + "...";
    }

    /** Prints a single-value count query and its value. */
    long count(Connection c, String sql) throws SQLException {
        long value = countQuietly(c, sql);
        out.println("  postgres=# " + sql + ";");
        out.println("    " + value);
        return value;
    }

    static long countQuietly(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Records in a topic (end minus start offsets over its partitions); 0 when the topic does not exist. */
    static long recordsIn(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                return 0;
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            long end = consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            long start = consumer.beginningOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            return end - start;
        }
    }
}
