package io.pgsink.decode;

import static io.pgsink.decode.FormatFixtures.record;
import static io.pgsink.decode.FormatFixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsink.config.InputFormat;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each Connect logical type and Debezium semantic type, at its edges, as one field of a Debezium change event: the
 * JSON the schemaless rules then read, and the PostgreSQL type the field declares.
 */
class LogicalValuesTest {

    private final RecordFormat format = RecordFormat.of(InputFormat.DEBEZIUM);

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "int32 | io.debezium.time.Date           | 0                    | '\"1970-01-01\"'                 | date",
                "int32 | io.debezium.time.Date           | -719162              | '\"0001-01-01\"'                 | date",
                "int32 | io.debezium.time.Time           | 86399999             | '\"23:59:59.999\"'               | time",
                "int64 | io.debezium.time.MicroTime      | 86400000000          | '\"24:00:00\"'                   | time",
                "int64 | io.debezium.time.MicroTime      | 0                    | '\"00:00:00.000000\"'            | time",
                "int64 | io.debezium.time.NanoTime       | 1                    | '\"00:00:00.000000001\"'         | time",
                "int64 | io.debezium.time.Timestamp      | -1                   | '\"1969-12-31T23:59:59.999\"'    | timestamp",
                "int64 | io.debezium.time.MicroTimestamp | -1                   | '\"1969-12-31T23:59:59.999999\"' | timestamp",
                "int64 | io.debezium.time.MicroTimestamp | 253402300799999999   | '\"9999-12-31T23:59:59.999999\"' | timestamp",
                "int64 | io.debezium.time.MicroTimestamp | 9223372036825200000  | '\"infinity\"'                   | timestamp",
                "int64 | io.debezium.time.MicroTimestamp | -9223372036832400000 | '\"-infinity\"'                  | timestamp",
                "int64 | io.debezium.time.NanoTimestamp  | 1714566645654321987  | '\"2024-05-01T12:30:45.654321987\"' | timestamp",
                "int64 | org.apache.kafka.connect.data.Timestamp | 0            | '\"1970-01-01T00:00:00.000Z\"'   | timestamp",
                "string | io.debezium.time.ZonedTimestamp | '\"2024-05-01T10:30:45.123456Z\"' | '\"2024-05-01T10:30:45.123456Z\"' | timestamptz",
                "string | io.debezium.time.ZonedTime     | '\"10:30:45.123456Z\"'  | '\"10:30:45.123456Z\"'           | timetz",
                "int64 | io.debezium.time.MicroDuration  | -90061000001         | '\"-25:01:01.000001\"'           | interval",
                "string | io.debezium.time.Interval      | '\"P1Y2M3DT4H5M6.78S\"' | '\"P1Y2M3DT4H5M6.78S\"'          | interval",
                "string | io.debezium.data.Json          | '\"{\\\"a\\\": [1, 2.50]}\"' | '{\"a\":[1,2.50]}'          | jsonb",
                "string | io.debezium.data.Json          | '\"\\\"text\\\"\"'      | '\"text\"'                       | jsonb",
                "string | io.debezium.data.Uuid          | '\"6f1c1d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f\"' | '\"6f1c1d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f\"' | uuid",
                "string | io.debezium.data.Xml           | '\"<a/>\"'              | '\"<a/>\"'                       | xml",
                "string | io.debezium.data.Enum          | '\"sad\"'               | '\"sad\"'                        | text",
            })
    void convertsEachSemanticTypeExactly(String type, String name, String payload, String json, String pgType)
            throws DecodeException {
        Change change = format.read(
                record(null, event("{\"type\":\"" + type + "\",\"name\":\"" + name + "\",\"field\":\"v\"}", payload)));

        assertThat(tree(change.value()).get("v")).isEqualTo(tree(FormatFixtures.utf8(json)));
        assertThat(change.fields().get(0).postgresType()).isEqualTo(pgType);
    }

    @ParameterizedTest(name = "{0} scale {1}")
    @CsvSource({
        "0, 0",
        "-1, 0",
        "123456789123, 3",
        "-123456789123, 3",
        "1, 16383",
        "12345678901234567890123456789012345678901234567890, -5",
    })
    void variableScaleDecimalIsExactForAnyScale(String unscaled, int scale) throws DecodeException {
        BigInteger digits = new BigInteger(unscaled);
        String struct = "{\"scale\":" + scale + ",\"value\":\""
                + Base64.getEncoder().encodeToString(digits.toByteArray()) + "\"}";
        String schema = "{\"type\":\"struct\",\"name\":\"io.debezium.data.VariableScaleDecimal\",\"fields\":["
                + "{\"type\":\"int32\",\"field\":\"scale\"},{\"type\":\"bytes\",\"field\":\"value\"}],\"field\":\"v\"}";

        Change change = format.read(record(null, event(schema, struct)));

        BigDecimal expected = new BigDecimal(digits, scale);
        com.fasterxml.jackson.databind.JsonNode v = tree(change.value()).get("v");
        // The plain text with every digit and the scale's trailing zeros: what the numeric column receives.
        assertThat(v.isTextual() ? v.textValue() : v.decimalValue().toPlainString())
                .isEqualTo(expected.toPlainString());
        assertThat(change.fields().get(0).postgresType()).isEqualTo("numeric");
    }

    @ParameterizedTest(name = "bit({0}) {1}")
    @CsvSource({"1, AQ==, 1", "10, AQI=, 1000000001", "8, '', 00000000", "12, BQ==, 000000000101", "3, Bw==, 111"})
    void bitsAreReadLittleEndianAndPaddedToTheirLength(int length, String base64, String bits) throws DecodeException {
        String schema = "{\"type\":\"bytes\",\"name\":\"io.debezium.data.Bits\",\"parameters\":{\"length\":\"" + length
                + "\"},\"field\":\"v\"}";

        Change change = format.read(record(null, event(schema, "\"" + base64 + "\"")));

        assertThat(tree(change.value()).get("v").textValue()).isEqualTo(bits);
        assertThat(change.fields().get(0).postgresType()).isEqualTo("bit(" + length + ")");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "bytes  | io.debezium.data.geometry.Geometry | '\"AA==\"' | spatial value",
                "struct | io.debezium.data.geometry.Point    | '{\"x\":1}' | spatial value",
                "string | io.debezium.data.Json              | '\"{oops\"' | one JSON value",
                "int64  | io.debezium.time.MicroTime         | -1          | out of range",
                "int64  | io.debezium.time.MicroTime         | '\"12:00\"' | not a whole number",
                "int32  | io.debezium.time.Date              | 1e3         | not a whole number",
                "bytes  | org.apache.kafka.connect.data.Decimal | '\"AA==\"' | no \"scale\" parameter",
                "bytes  | io.debezium.data.Bits              | '\"!!\"'    | not base64",
                "int64  | io.debezium.time.MicroDuration     | -9223372036854775808 | out of range",
            })
    void refusesWhatItCannotWriteExactlyNamingFieldAndType(String type, String name, String payload, String problem) {
        String schema = "{\"type\":\"" + type + "\",\"name\":\"" + name + "\",\"field\":\"v\"}";

        assertThatThrownBy(() -> format.read(record(null, event(schema, payload))))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("field \"v\" (" + name + ")")
                .hasMessageContaining(problem)
                .extracting(e -> ((DecodeException) e).column())
                .isEqualTo("v");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "'\"__debezium_unavailable_value\"'",
                "'\"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==\"'",
                "'[\"__debezium_unavailable_value\"]'",
                "'[95,95,100,101,98,101,122,105,117,109,95,117,110,97,118,97,105,108,97,98,108,101,95,118,97,108,117,101]'",
                "'{\"__debezium_unavailable_value\":\"__debezium_unavailable_value\"}'",
            })
    void everyFormOfTheUnavailableValuePlaceholderIsLeftOut(String placeholder) throws DecodeException {
        String event = "{\"before\":null,\"after\":{\"id\":1,\"v\":" + placeholder + "},\"source\":{},\"op\":\"u\"}";

        Change change = format.read(record(null, event));

        assertThat(tree(change.value()).toString()).isEqualTo("{\"id\":1}");
    }

    /** A change event whose row has the one field {@code v}. */
    private static String event(String fieldSchema, String payload) {
        String row = "{\"type\":\"struct\",\"optional\":true,\"name\":\"s.public.t.Value\",\"fields\":[" + fieldSchema
                + "]}";
        String schema = "{\"type\":\"struct\",\"name\":\"s.public.t.Envelope\",\"fields\":["
                + row.replace("\"fields\"", "\"field\":\"before\",\"fields\"") + ","
                + row.replace("\"fields\"", "\"field\":\"after\",\"fields\"") + ","
                + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"}]}";
        return ConnectFormatTest.envelope(
                schema, "{\"before\":null,\"after\":{\"v\":" + payload + "},\"source\":{},\"op\":\"c\"}");
    }
}
