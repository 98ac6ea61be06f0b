package io.pgsink.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class DeadLetterReplayTest {

    private static StoredLetter.Header header(String key, String value) {
        return new StoredLetter.Header(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static StoredLetter letter(List<StoredLetter.Header> headers) {
        return new StoredLetter(
                "orders.dlt",
                1,
                42,
                0,
                "k".getBytes(StandardCharsets.UTF_8),
                "v".getBytes(StandardCharsets.UTF_8),
                headers);
    }

    @Test
    void theReplayedRecordIsTheOriginalWithoutPgsinkHeadersToItsOriginalPartition() {
        StoredLetter letter = letter(List.of(
                header("traceparent", "00-abc"),
                header("pgsink.replayed-from", "orders.dlt/0/3"),
                header(DeadLetterHeaders.TOPIC, "orders"),
                header(DeadLetterHeaders.PARTITION, "2"),
                header(DeadLetterHeaders.KIND, "POISON")));

        ProducerRecord<byte[], byte[]> record = DeadLetterReplay.original(letter, null);

        assertThat(record.topic()).isEqualTo("orders");
        assertThat(record.partition()).isEqualTo(2);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("k");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("v");
        List<String> headers = new ArrayList<>();
        for (Header h : record.headers()) {
            headers.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers).containsExactly("traceparent=00-abc", "pgsink.replayed-from=orders.dlt/1/42");
    }

    @Test
    void toTopicOverridesTheOriginalTopicAndLetsThePartitionerChoose() {
        StoredLetter letter =
                letter(List.of(header(DeadLetterHeaders.TOPIC, "orders"), header(DeadLetterHeaders.PARTITION, "2")));

        ProducerRecord<byte[], byte[]> record = DeadLetterReplay.original(letter, "orders.retry");

        assertThat(record.topic()).isEqualTo("orders.retry");
        assertThat(record.partition()).isNull();
    }

    @Test
    void aRecordWithoutCoordinatesCannotGoBackWithoutToTopic() {
        assertThatThrownBy(() -> DeadLetterReplay.original(letter(List.of()), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pass --to-topic");
    }
}
