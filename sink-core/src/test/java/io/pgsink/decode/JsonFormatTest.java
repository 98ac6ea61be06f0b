package io.pgsink.decode;

import static io.pgsink.decode.FormatFixtures.record;
import static io.pgsink.decode.FormatFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.config.InputFormat;
import io.pgsink.model.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonFormatTest {

    private final RecordFormat format = RecordFormat.of(InputFormat.JSON);

    @Test
    void valueAndObjectKeyPassOnAsTheSameBytes() throws DecodeException {
        SinkRecord record = record(utf8("{\"id\": 1}"), utf8("{\"id\": 1, \"n\": 1.50}"));

        Change change = format.read(record);

        assertThat(change.operation()).isEqualTo(Operation.WRITE);
        assertThat(change.value()).isSameAs(record.value());
        assertThat(change.key()).isSameAs(record.key());
        assertThat(change.fields()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "\"k-1\"", "plain text", "{\"open\": ", "[1]", "{} {}"})
    void keyThatIsNotOneJsonObjectIsLeftToTheKeyMapping(String key) throws DecodeException {
        assertThat(format.read(record(key, "{\"id\": 1}")).key()).isNull();
    }

    @Test
    void tombstoneIsADeleteByTheKey() throws DecodeException {
        SinkRecord record = record(utf8("{\"id\": 1}"), null);

        Change change = format.read(record);

        assertThat(change.operation()).isEqualTo(Operation.DELETE);
        assertThat(change.key()).isSameAs(record.key());
        assertThat(change.value()).isNull();
    }

    @Test
    void valueIsNotReadHereSoABadOneIsTheDecodersToRefuse() throws DecodeException {
        assertThat(format.read(record(null, "not json")).operation()).isEqualTo(Operation.WRITE);
    }
}
