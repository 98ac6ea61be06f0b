package io.pgsink.decode;

import static io.pgsink.decode.FormatFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsink.config.InputFormat;
import io.pgsink.model.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What one record can make a format do: large values pass exactly, and anything past the decoder's limits or
 * malformed is that record's {@link DecodeException}, never a crash or a hang. The timeout only turns a hang into a
 * failure; it asserts no speed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormatLimitsTest {

    private final RecordFormat debezium = RecordFormat.of(InputFormat.DEBEZIUM);

    @Test
    void largeTextAndBytesPassExactly() throws DecodeException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 1_000_000; i++) {
            text.append("line ").append(i).append(": \u00e9\u2713\uD83D\uDE00 \"q\" \\ \t\n");
        }
        byte[] bytes = new byte[1_000_000];
        new Random(7).nextBytes(bytes);
        String schema = "{\"type\":\"struct\",\"name\":\"s.public.items.Value\",\"fields\":["
                + "{\"type\":\"int32\",\"field\":\"id\"},{\"type\":\"string\",\"field\":\"body\"},"
                + "{\"type\":\"bytes\",\"field\":\"blob\"}]}";
        String payload = "{\"id\":1,\"body\":" + FormatFixtures.JSON.valueToTree(text.toString()) + ",\"blob\":\""
                + Base64.getEncoder().encodeToString(bytes) + "\"}";

        Row row = FormatFixtures.decode(debezium.read(record(null, ConnectFormatTest.envelope(schema, payload))));

        assertThat(FormatFixtures.value(row, "body")).isEqualTo(text.toString());
        assertThat(FormatFixtures.value(row, "blob")).isEqualTo("\\x" + hex(bytes));
    }

    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void nestingPastTheDecodersLimitIsPoison(InputFormat format) {
        String deep = "[".repeat(RowDecoder.MAX_NESTING_DEPTH + 1) + "]".repeat(RowDecoder.MAX_NESTING_DEPTH + 1);
        String value = "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"field\":\"a\"}]},"
                + "\"payload\":{\"a\":" + deep + "}}";

        if (format == InputFormat.JSON) {
            // The json format does not read the value; its key is checked within the same limits.
            assertThat(readQuietly(format, record(value, "{}")).key()).isNull();
            return;
        }
        assertThatThrownBy(() -> RecordFormat.of(format).read(record(null, value)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("past pgsink's JSON limits");
    }

    @Test
    void decimalWithAnEnormousExponentIsRefusedWithoutExpandingIt() {
        String schema = "{\"type\":\"struct\",\"fields\":[{\"type\":\"bytes\",\"name\":"
                + "\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"},\"field\":\"v\"}]}";

        for (String number : new String[] {"1e-2147483647", "1e2000000000", "1e99999999999"}) {
            assertThatThrownBy(() -> RecordFormat.of(InputFormat.CONNECT_JSON)
                            .read(record(null, ConnectFormatTest.envelope(schema, "{\"v\":" + number + "}"))))
                    .isInstanceOf(DecodeException.class);
        }
    }

    @Test
    void decimalScaleOrDigitsPastNumericAreRefused() {
        String schema = "{\"type\":\"struct\",\"fields\":[{\"type\":\"bytes\",\"name\":"
                + "\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"-2000000000\"},"
                + "\"field\":\"v\"}]}";
        String hugeUnscaled = Base64.getEncoder().encodeToString(new byte[100_000]);
        String vsd = "{\"type\":\"struct\",\"name\":\"io.debezium.data.VariableScaleDecimal\",\"fields\":["
                + "{\"type\":\"int32\",\"field\":\"scale\"},{\"type\":\"bytes\",\"field\":\"value\"}],\"field\":\"v\"}";
        String vsdSchema = "{\"type\":\"struct\",\"fields\":[" + vsd + "]}";

        assertThatThrownBy(() -> RecordFormat.of(InputFormat.CONNECT_JSON)
                        .read(record(null, ConnectFormatTest.envelope(schema, "{\"v\":\"AQ==\"}"))))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("scale out of range");
        assertThatThrownBy(() -> RecordFormat.of(InputFormat.CONNECT_JSON)
                        .read(record(
                                null,
                                ConnectFormatTest.envelope(
                                        vsdSchema, "{\"v\":{\"scale\":0,\"value\":\"" + hugeUnscaled + "\"}}"))))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("out of range for numeric");
    }

    @Test
    void anyMalformedRecordIsADecodeExceptionNeverAnotherThrowable() {
        String[] values = {
            "{\"schema\":{\"type\":\"struct\",\"fields\":7},\"payload\":{}}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"array\",\"field\":\"a\"}]},\"payload\":{\"a\":[1]}}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"map\",\"field\":\"m\"}]},\"payload\":{\"m\":{}}}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"nope\",\"field\":\"a\"}]},\"payload\":{\"a\":1}}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"a\"}]},\"payload\":[]}",
            "{\"schema\":{\"type\":\"struct\",\"name\":\"x.Envelope\",\"fields\":[{\"type\":\"string\",\"field\":"
                    + "\"after\"}]},\"payload\":{\"op\":\"c\",\"after\":{\"a\":1}}}",
            "{\"schema\":7,\"payload\":{}}",
            "\"just a string\"",
        };
        for (InputFormat format : new InputFormat[] {InputFormat.CONNECT_JSON, InputFormat.DEBEZIUM}) {
            for (String value : values) {
                assertThatThrownBy(() -> RecordFormat.of(format).read(record(null, value)))
                        .as("%s reading %s", format, value)
                        .isInstanceOf(DecodeException.class);
            }
        }
    }

    @Test
    void loneSurrogateInsideJsonTextIsRefusedNotReplaced() {
        String value =
                "{\"before\":null,\"after\":{\"doc\":\"{\\\"a\\\": \\\"\\ud800\\\"}\"},\"source\":{},\"op\":\"c\"}";
        String schema = "{\"type\":\"struct\",\"name\":\"s.t.Envelope\",\"fields\":[{\"type\":\"struct\",\"field\":"
                + "\"after\",\"fields\":[{\"type\":\"string\",\"name\":\"io.debezium.data.Json\",\"field\":\"doc\"}]},"
                + "{\"type\":\"string\",\"field\":\"op\"}]}";
        // The escape stays ASCII in the record, as JsonConverter writes it; the JSON text it decodes to holds U+D800.
        assertThatThrownBy(() -> debezium.read(record(null, ConnectFormatTest.envelope(schema, value))))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("lone UTF-16 surrogate");
    }

    @Test
    void loneSurrogateInAStringIsKeptEscapedSoTheDecoderRefusesIt() throws DecodeException {
        Change change = debezium.read(record(null, "{\"id\":1,\"body\":\"\\ud800\"}"));

        assertThat(new String(change.value(), StandardCharsets.UTF_8)).contains("\\uD800");
        assertThatThrownBy(() -> FormatFixtures.decode(change))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("lone UTF-16 surrogate");
    }

    private static Change readQuietly(InputFormat format, SinkRecord record) {
        try {
            return RecordFormat.of(format).read(record);
        } catch (DecodeException e) {
            throw new AssertionError(e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return out.toString();
    }
}
