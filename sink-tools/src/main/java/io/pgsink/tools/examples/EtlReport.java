package io.pgsink.tools.examples;

import io.pgsink.SinkStats;
import io.pgsink.deadletter.DeadLetterHeaders;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The ETL example's accounting: lines read, published and rejected (with why), dead letters, and the summary. */
final class EtlReport {

    private final PrintStream out;
    private final List<String> rejections = new ArrayList<>();
    private long linesRead;
    private long published;

    EtlReport(PrintStream out) {
        this.out = out;
    }

    /** Counts one data line: publishes it, or records why it was rejected (by its line number in the file). */
    void read(TripTransform.Result result, Consumer<TripTransform.Result> publish) {
        linesRead++;
        if (result.rejected()) {
            // Line 1 is the header: data line n is line n + 1 of the file.
            rejections.add("line " + (linesRead + 1) + ": " + result.rejection());
        } else {
            publish.accept(result);
            published++;
        }
    }

    long linesRead() {
        return linesRead;
    }

    long published() {
        return published;
    }

    long rejected() {
        return rejections.size();
    }

    void progress(long rowsInTable) {
        out.printf(
                "extract: %,d data lines read, %,d published, %,d rejected; rows in trips so far: %,d%n",
                linesRead, published, rejections.size(), rowsInTable);
    }

    void printRejections() {
        out.printf("malformed lines (rejected before publishing): %d%n", rejections.size());
        rejections.forEach(r -> out.println("  " + r));
    }

    /** Prints each dead letter's source offset and the reason pgsink gave; returns how many there are. */
    long printDeadLetters(String bootstrap, String topic) {
        List<ConsumerRecord<byte[], byte[]>> letters = readAll(bootstrap, topic);
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            out.printf(
                    "  %s-%s@%s: %s, SQLSTATE %s, constraint %s%n",
                    header(letter, DeadLetterHeaders.TOPIC),
                    header(letter, DeadLetterHeaders.PARTITION),
                    header(letter, DeadLetterHeaders.OFFSET),
                    header(letter, DeadLetterHeaders.KIND),
                    header(letter, DeadLetterHeaders.SQLSTATE),
                    header(letter, DeadLetterHeaders.CONSTRAINT));
        }
        out.printf("  (%d dead letter%s)%n", letters.size(), letters.size() == 1 ? "" : "s");
        return letters.size();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? "-" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        long expected = Queries.recordsIn(bootstrap, topic);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (all.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    /** The summary; true when every line is accounted for: published or rejected, then written or dead-lettered. */
    boolean summary(long rows, long deadLetters, SinkStats stats) {
        boolean accounted = linesRead == published + rejections.size() && published == rows + deadLetters;
        out.printf(
                "summary: %,d data lines read, %,d rejected as malformed, %,d published, %,d rows in trips,"
                        + " %,d dead letters%n",
                linesRead, rejections.size(), published, rows, deadLetters);
        out.printf(
                "check: %s: read = published + rejected (%,d = %,d + %,d), published = rows + dead letters"
                        + " (%,d = %,d + %,d); the worker wrote %,d and dead-lettered %,d%n",
                accounted ? "every line accounted for" : "MISMATCH",
                linesRead,
                published,
                rejections.size(),
                published,
                rows,
                deadLetters,
                stats.recordsWritten(),
                stats.recordsDeadLettered());
        return accounted;
    }
}
