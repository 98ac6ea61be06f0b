package io.pgsink.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import io.pgsink.schema.TableSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What one hostile record can make the decoder do: every answer is a value or a {@link DecodeException} for that
 * record, reached without expanding a number, recursing without bound or replacing characters. The timeout only
 * turns a hang (ten to the hundred millionth, computed) into a failure; it asserts no speed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RowDecoderLimitsTest {

    private static final Column NUMBERS = new Column("amounts", 7, ColumnType.NUMERIC, null, "numeric", false);
    private static final List<Column> COLUMNS = List.of(
            new Column("id", 0, ColumnType.BIGINT, null, "bigint", true),
            new Column("amount", 1, ColumnType.NUMERIC, null, "numeric", false),
            new Column("ratio", 2, ColumnType.DOUBLE, null, "double precision", false),
            new Column("score", 3, ColumnType.REAL, null, "real", false),
            new Column("name", 4, ColumnType.TEXT, null, "text", false),
            new Column("payload", 5, ColumnType.JSONB, null, "jsonb", false),
            new Column("blob", 6, ColumnType.BYTEA, null, "bytea", false),
            new Column("amounts", 7, ColumnType.ARRAY, NUMBERS, "numeric[]", false),
            new Column("small", 8, ColumnType.SMALLINT, null, "smallint", false),
            new Column("doc", 9, ColumnType.JSON, null, "json", false));
    private static final TableSchema SCHEMA = new TableSchema(new TableRef("public", "t"), COLUMNS, List.of("id"));

    private final RowDecoder decoder = new RowDecoder(SCHEMA, List.of(COLUMNS.get(0)), false);

    private Row decode(String json) throws DecodeException {
        return decoder.decode(0, json.getBytes(StandardCharsets.UTF_8));
    }

    private String value(String field, String json) throws DecodeException {
        Row row = decode("{\"id\": 1, \"" + field + "\": " + json + "}");
        return SCHEMA.column(field).map(column -> row.values()[column.index()]).orElse(null);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "amount | 1e2147483647      | (numeric) is out of range for numeric",
                "amount | 1e1000000000      | (numeric) is out of range for numeric",
                "amount | 1e131072          | (numeric) is out of range for numeric",
                "amount | 1e-2147483647     | (numeric) has more than 16383 digits after the decimal point",
                "amount | 0e-16384          | (numeric) has more than 16383 digits after the decimal point",
                "amount | '\"1e2147483647\"'  | (numeric) is out of range for numeric",
                "id     | 1e100000000       | (bigint) is out of range for bigint",
                "id     | -1e2147483647     | (bigint) is out of range for bigint",
                "id     | 1e19              | (bigint) is out of range for bigint",
                "id     | 1e-100000000      | (bigint) is not a whole number",
                "small  | 1e5               | (smallint) is out of range for smallint",
                "ratio  | 1e2147483647      | (double precision) is out of range for double precision",
                "ratio  | 1e309             | (double precision) is out of range for double precision",
                "ratio  | 1e-400            | (double precision) is out of range for double precision",
                "score  | 1e39              | (real) is out of range for real",
                "score  | 1e-46             | (real) is out of range for real",
                "amounts | '[1, 1e2147483647]' | (numeric) is out of range for numeric",
                "amount | 1e2147483648      | (numeric) holds a number whose exponent is out of range",
                "name   | 1e-2147483649     | (text) holds a number whose exponent is out of range",
                "payload | 1e2147483648     | (jsonb) holds a number whose exponent is out of range",
            })
    void numbersOutOfTheColumnsRangeArePoisonBeforeTheyAreExpanded(String field, String json, String problem) {
        assertThatThrownBy(() -> value(field, json))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("column \"" + field + "\"")
                .hasMessageContaining(problem)
                .hasMessageNotContaining(json.replace("'", "").replace("\"", ""));
    }

    @Test
    void numbersAtPostgresqlsNumericLimitsAreWrittenInFull() throws DecodeException {
        assertThat(value("amount", "1e131071"))
                .hasSize(131_072)
                .startsWith("10000")
                .matches("10*");
        assertThat(value("amount", "-1e-16383"))
                .hasSize(16_386)
                .startsWith("-0.000")
                .endsWith("01");
        assertThat(value("amount", "0e2147483647")).isEqualTo("0");
        assertThat(value("id", "9.223372036854775807e18")).isEqualTo("9223372036854775807");
        assertThat(value("id", "0e-2147483647")).isEqualTo("0");
        assertThat(value("ratio", "1.7976931348623157e308")).isEqualTo("1.7976931348623157E+308");
        assertThat(value("score", "4e-45")).isEqualTo("4E-45");
        assertThat(value("name", "1e2147483647")).isEqualTo("1E+2147483647");
    }

    @Test
    void numbersLongerThanTheParsersLimitArePoisonAlsoInsideStrings() throws DecodeException {
        String thousand = "9".repeat(Numbers.MAX_LENGTH);
        assertThat(value("amount", thousand)).isEqualTo(thousand);
        assertThat(value("amount", "\"" + thousand + "\"")).isEqualTo(thousand);

        assertThatThrownBy(() -> value("amount", thousand + "9")).hasMessageContaining("JSON limits");
        assertThatThrownBy(() -> value("amount", "\"" + "9".repeat(200_000) + "\""))
                .hasMessageContaining("column \"amount\" (numeric) is a number longer than 1000 characters");
        assertThatThrownBy(() -> value("id", "\"" + "9".repeat(200_000) + "\""))
                .hasMessageContaining("column \"id\" (bigint) is a number longer than 1000 characters");
    }

    @Test
    void nestingDeeperThanTheLimitIsPoisonWithoutDeepRecursion() throws DecodeException {
        int limit = RowDecoder.MAX_NESTING_DEPTH - 1; // the record's own object is one level
        assertThat(value("payload", "[".repeat(limit) + "]".repeat(limit))).startsWith("[[");
        assertThat(value("doc", "[".repeat(limit) + "]".repeat(limit))).startsWith("[[");

        for (String field : List.of("payload", "amounts", "name", "unknown")) {
            assertThatThrownBy(() -> value(field, "[".repeat(limit + 1) + "]".repeat(limit + 1)))
                    .isInstanceOf(DecodeException.class)
                    .hasMessageContaining("nesting depth 500");
            assertThatThrownBy(() -> value(field, "[".repeat(1_000_000)))
                    .isInstanceOf(DecodeException.class)
                    .hasMessageContaining("nesting depth 500");
        }
    }

    @Test
    void loneSurrogatesInTextAndJsonValuesArePoisonNotQuestionMarks() throws DecodeException {
        for (String json : List.of("\"\\ud800\"", "\"a\\udc00\"", "\"\\ud800\\ud800\"", "\"\\ud83d x\"")) {
            assertThatThrownBy(() -> value("name", json))
                    .isInstanceOf(DecodeException.class)
                    .hasMessageContaining("column \"name\" (text) contains a lone UTF-16 surrogate");
        }
        for (String field : List.of("payload", "doc")) {
            for (String json : List.of("{\"a\": \"\\ud800\"}", "[\"\\uDC00\"]", "\"\\ud83d\"", "{\"\\ud800\": 1}")) {
                assertThatThrownBy(() -> value(field, json))
                        .isInstanceOf(DecodeException.class)
                        .hasMessageContaining("contains a lone UTF-16 surrogate");
            }
        }

        assertThat(value("name", "\"\\ud83d\\ude00\"")).isEqualTo("\uD83D\uDE00");
        assertThat(value("payload", "{\"a\": \"\\ud83d\\ude00\", \"b\": \"\\\\ud800\"}"))
                .isEqualTo("{\"a\": \"\\ud83d\\ude00\", \"b\": \"\\\\ud800\"}");
    }

    @Test
    void byteaTakesBase64OrPostgresqlHexAndNothingElse() throws DecodeException {
        assertThat(value("blob", "\"3q2+7w==\"")).isEqualTo("\\xdeadbeef");
        assertThat(value("blob", "\"3q2+7w\"")).isEqualTo("\\xdeadbeef");
        assertThat(value("blob", "\"SGk=\"")).isEqualTo("\\x4869");
        assertThat(value("blob", "\"\\\\xDEADbeef\"")).isEqualTo("\\xdeadbeef");
        assertThat(value("blob", "\"\"")).isEqualTo("\\x");

        for (String json :
                List.of("\"3q2-7w\"", "\"3q2+ 7w==\"", "\"a\"", "\"3q2+7w=\"", "\"\\\\xabc\"", "\"\\\\x0g\"", "12")) {
            assertThatThrownBy(() -> value("blob", json))
                    .isInstanceOf(DecodeException.class)
                    .hasMessageContaining("column \"blob\" (bytea)");
        }
    }

    @Test
    void anUnexpectedFailureDecodingOneRecordMakesOnlyThatRecordPoison() {
        // An array column without an element type cannot come from the catalog; it stands for any defect that
        // throws while one record is decoded.
        Column broken = new Column("broken", 1, ColumnType.ARRAY, null, "int[]", false);
        TableSchema schema =
                new TableSchema(new TableRef("public", "t"), List.of(COLUMNS.get(0), broken), List.of("id"));
        RowDecoder decoder = new RowDecoder(schema, List.of(COLUMNS.get(0)), false);

        DecodedBatch batch = decoder.decode(List.of(
                record(0, "{\"id\": 1}"),
                record(1, "{\"id\": 2, \"broken\": [\"secret\"]}"),
                record(2, "{\"id\": 3}")));

        assertThat(batch.rowIndexes()).containsExactly(0, 2);
        assertThat(batch.failures()).containsOnlyKeys(1);
        assertThat(batch.failures().get(1).getMessage())
                .contains("could not be decoded")
                .doesNotContain("secret");
    }

    private static SinkRecord record(long offset, String json) {
        return new SinkRecord("events", 0, offset, 0L, null, json.getBytes(StandardCharsets.UTF_8), List.of());
    }
}
