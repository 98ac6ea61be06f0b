package io.pgsink.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.config.KeySource;
import io.pgsink.config.Mapping;
import io.pgsink.config.NamingConvention;
import io.pgsink.config.WriteMode;
import io.pgsink.model.SinkRecord;
import io.pgsink.model.TableRef;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import io.pgsink.schema.TableSchema;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random mutations of valid records, against a table with every column type the decoder converts: whatever the
 * bytes, decoding a record ends in a row or a {@link DecodeException}, and no decoded value is much larger than the
 * record it came from, except by the longest number PostgreSQL's numeric holds. Deterministic: the seed is fixed,
 * and a failure names the case that broke it. The timeout only turns a hang into a failure.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RowDecoderFuzzTest {

    private static final long SEED = 20_261_130L;
    private static final int CASES = 100_000;
    /** 1e131071 is 131072 digits of numeric; a few characters more for sign, point and array quoting. */
    private static final int LONGEST_NUMBER_TEXT = Numbers.NUMERIC_MAX_INTEGER_DIGITS + 8;

    private static final List<Column> COLUMNS = columns(
            "t_text text",
            "t_small smallint",
            "t_int integer",
            "t_big bigint",
            "t_num numeric",
            "t_real real",
            "t_double double precision",
            "t_bool boolean",
            "t_tstz timestamp with time zone",
            "t_ts timestamp without time zone",
            "t_date date",
            "t_time time without time zone",
            "t_uuid uuid",
            "t_json json",
            "t_jsonb jsonb",
            "t_bytea bytea",
            "t_texts text[]",
            "t_nums numeric[]",
            "t_ints integer[]",
            "t_jsonbs jsonb[]",
            "t_byteas bytea[]");

    private static final String[] VALID = {
        "{\"t_text\": \"h\u00e9llo \\\"w\\\" \\ud83d\\ude00\", \"t_small\": -32768, \"t_int\": 2147483647,"
                + " \"t_big\": 9223372036854775807, \"t_num\": 12345.678, \"t_real\": 1.5, \"t_double\": -2.5e-3,"
                + " \"t_bool\": true, \"t_tstz\": \"2024-05-01T12:30:00.123Z\", \"t_ts\": \"2024-05-01T12:30:00\","
                + " \"t_date\": \"2024-02-29\", \"t_time\": \"12:30:00\","
                + " \"t_uuid\": \"6f1c1d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f\"}",
        "{\"t_json\": {\"a\": [1, 2.5e3, \"x\", null, true], \"b\": {\"c\": \"\\u00e9\"}}, \"t_jsonb\": [1, {\"k\": \"v\"}],"
                + " \"t_bytea\": \"3q2+7w==\", \"t_texts\": [\"a\", null, \"b\\\"c\"], \"t_nums\": [1, 2.5, -3e2],"
                + " \"t_ints\": [[1, 2], [3, 4]], \"t_jsonbs\": [{\"a\": 1}, [2]], \"t_byteas\": [\"\\\\x00ff\", \"AA==\"]}",
        "{\"t_num\": \"7.10\", \"t_big\": \"42\", \"t_double\": \"NaN\", \"t_bool\": \"false\", \"t_tstz\": 1714566600000,"
                + " \"t_text\": 17, \"t_jsonb\": \"text\", \"t_small\": 1.0e2, \"unknown\": {\"deep\": [[[1]]]}}",
    };

    private static final String PUNCTUATION = "{}[],:\"\\e-.0 u";

    /** Values a hostile or broken producer sends; each replaces a value of a valid record. */
    private static final String[] HOSTILE = {
        "1e2147483647",
        "-1e2147483647",
        "1e-2147483647",
        "1e2147483648",
        "-1e-2147483649",
        "1e1000000000",
        "1e100000000",
        "1e131071",
        "1e131072",
        "1e-16383",
        "1e-16384",
        "0e2147483647",
        "0e-2147483647",
        "9.999999999999999e308",
        "1e309",
        "1e-400",
        "3.5e38",
        "1e-46",
        "4.9e-324",
        "-0",
        "-0.0e-0",
        "\"1e2147483647\"",
        "\"1e100000000\"",
        "\" 12 \"",
        "\"NaN\"",
        "\"-Infinity\"",
        "\"0x10\"",
        "\"1_000\"",
        "\"\\ud800\"",
        "\"\\udc00x\"",
        "\"x\\ud83d\"",
        "\"\\ud83d\\ude00\"",
        "\"\\u0000\"",
        "\"\\\\ud800\"",
        "[\"\\ud800\"]",
        "{\"a\": \"\\udfff\"}",
        "{\"\\ud800\": 1}",
        "\"\\\\x\"",
        "\"\\\\xABC\"",
        "\"\\\\x0g\"",
        "\"3q2-7w\"",
        "\"3q2+7w=\"",
        "\"====\"",
        "\"\"",
        "\" \"",
        "\"9999-12-31T23:59:59.999999999+14:00\"",
        "\"0000-01-01T00:00:00Z\"",
        "\"2024-02-30\"",
        "\"+99999-01-01\"",
        "\"24:00:00\"",
        "9223372036854775808",
        "-9223372036854775809",
        "\"6F1C1D5E-1A2B-4C3D-8E9F-0A1B2C3D4E5F\"",
        "[1e2147483647]",
        "[[1], 2]",
        "[[[[\"x\"]]]]",
        "{}",
        "[]",
        "null",
        "true",
        "[null]",
        "[1, [2, [3, [4e999999999]]]]"
    };

    @Test
    void noMutationOfAValidRecordEscapesDecodingAsAnythingButDecodeException() {
        RowDecoder decoder =
                new RowDecoder(new TableSchema(new TableRef("public", "fuzz"), COLUMNS, List.of()), List.of(), false);
        Random random = new Random(SEED);
        int decoded = 0;
        int rejected = 0;
        for (int n = 0; n < CASES; n++) {
            byte[] input = mutate(VALID[random.nextInt(VALID.length)].getBytes(StandardCharsets.UTF_8), random);
            try {
                Row row = decoder.decode(n, input);
                for (String value : row.values()) {
                    if (value != null && value.length() > LONGEST_NUMBER_TEXT + 4L * input.length) {
                        throw new AssertionError("case " + n + ": a value of " + value.length()
                                + " characters from a record of " + input.length + " bytes");
                    }
                }
                decoded++;
            } catch (DecodeException expected) {
                rejected++;
            } catch (RuntimeException e) {
                throw new AssertionError("case " + n + " threw " + e + " for " + describe(input), e);
            }
        }

        // Both outcomes are exercised, so the mutations neither all break the JSON nor all leave it valid.
        assertThat(decoded).isGreaterThan(CASES / 20);
        assertThat(rejected).isGreaterThan(CASES / 20);
    }

    /**
     * The route paths against the plain one, on the same mutations: a route with the identity mapping takes the
     * plain path, and a mapping that changes nothing here (it excludes a field no record has) takes the general
     * one; both give the rows, or the failures, that a decoder without a route gives, value for value.
     */
    @Test
    void theRouteDecodersGiveThePlainDecodersRowsAndFailuresForEveryMutation() {
        TableSchema schema = new TableSchema(new TableRef("public", "fuzz"), COLUMNS, List.of());
        RowDecoder plain = new RowDecoder(schema, List.of(), false);
        Mapping unchanged = new Mapping(
                Set.of(),
                Set.of("no such field"),
                Map.of(),
                Map.of(),
                null,
                Map.of(),
                Map.of(),
                NamingConvention.EXACT);
        List<RowDecoder> routed = List.of(
                new RowDecoder(
                        schema,
                        MappingFixture.route(Mapping.identity(), KeySource.VALUE, WriteMode.INSERT, false),
                        List.of(),
                        false,
                        name -> {}),
                new RowDecoder(
                        schema,
                        MappingFixture.route(unchanged, KeySource.VALUE, WriteMode.INSERT, false),
                        List.of(),
                        false,
                        name -> {}));
        Random random = new Random(SEED + 1);
        for (int n = 0; n < CASES / 10; n++) {
            byte[] input = mutate(VALID[random.nextInt(VALID.length)].getBytes(StandardCharsets.UTF_8), random);
            SinkRecord record = new SinkRecord("fuzz", 0, n, 0L, null, input, List.of());
            String expected = outcome(() -> plain.decode(0, input));
            for (RowDecoder decoder : routed) {
                String actual = outcome(() -> decoder.decodeJson(0, record));
                if (!actual.equals(expected)) {
                    throw new AssertionError(
                            "case " + n + ": " + actual + " instead of " + expected + " for " + describe(input));
                }
            }
        }
    }

    private interface Decoding {
        Row decode() throws DecodeException;
    }

    private static String outcome(Decoding decoding) {
        try {
            Row row = decoding.decode();
            return row.operation() + " " + row.present() + " " + Arrays.toString(row.values());
        } catch (DecodeException e) {
            return "failed on " + e.column() + ": " + e.getMessage();
        }
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] input = valid;
        int rounds = 1 + random.nextInt(3);
        for (int i = 0; i < rounds; i++) {
            input = switch (random.nextInt(10)) {
                case 0, 1, 2, 3 -> replaceValue(input, HOSTILE[random.nextInt(HOSTILE.length)], random);
                case 4 -> replaceValue(input, longNumber(random), random);
                case 5 -> replaceValue(input, deepNesting(random), random);
                case 6 -> insert(input, invalidUtf8(random), random);
                case 7 -> flipByte(input, random);
                case 8 -> deleteSpan(input, random);
                default ->
                    insert(input, new byte[] {(byte) PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length()))}, random);
            };
        }
        return input;
    }

    /** Replaces the value after a random {@code ": "} with {@code value}, up to the next comma or brace. */
    private static byte[] replaceValue(byte[] input, String value, Random random) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        List<Integer> colons = new ArrayList<>();
        for (int i = text.indexOf(": "); i >= 0; i = text.indexOf(": ", i + 1)) {
            colons.add(i + 2);
        }
        if (colons.isEmpty()) {
            return input;
        }
        int start = colons.get(random.nextInt(colons.size()));
        int end = start;
        while (end < text.length() && text.charAt(end) != ',' && text.charAt(end) != '}') {
            end++;
        }
        byte[] replacement = value.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(input, 0, start);
        out.write(replacement, 0, replacement.length);
        out.write(input, end, input.length - end);
        return out.toByteArray();
    }

    private static String longNumber(Random random) {
        int digits = switch (random.nextInt(4)) {
            case 0 -> 999 + random.nextInt(3);
            case 1 -> 1_500;
            case 2 -> 5_000 + random.nextInt(5_000);
            default -> 1 + random.nextInt(40);
        };
        String number = "9".repeat(digits) + (random.nextBoolean() ? "" : "e" + random.nextInt());
        return random.nextBoolean() ? number : "\"" + number + "\"";
    }

    private static String deepNesting(Random random) {
        int depth = random.nextInt(4) == 0 ? 495 + random.nextInt(10) : 600 + random.nextInt(1_000);
        String open = random.nextBoolean() ? "[" : "{\"k\":";
        String close = open.equals("[") ? "]" : "}";
        return open.repeat(depth) + "1" + (random.nextBoolean() ? close.repeat(depth) : "");
    }

    private static byte[] invalidUtf8(Random random) {
        byte[][] sequences = {
            {(byte) 0xC0, (byte) 0x80},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF5, (byte) 0x80},
            {(byte) 0x80},
            {(byte) 0xFF},
            {(byte) 0xE2, (byte) 0x82},
            {(byte) 0xF0, (byte) 0x9F, (byte) 0x98},
            {0},
            {(byte) 0xFE, (byte) 0xFF},
            {(byte) random.nextInt(256)}
        };
        return sequences[random.nextInt(sequences.length)];
    }

    private static byte[] insert(byte[] input, byte[] bytes, Random random) {
        int at = random.nextInt(input.length + 1);
        byte[] out = new byte[input.length + bytes.length];
        System.arraycopy(input, 0, out, 0, at);
        System.arraycopy(bytes, 0, out, at, bytes.length);
        System.arraycopy(input, at, out, at + bytes.length, input.length - at);
        return out;
    }

    private static byte[] flipByte(byte[] input, Random random) {
        if (input.length == 0) {
            return input;
        }
        byte[] out = input.clone();
        out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        return out;
    }

    private static byte[] deleteSpan(byte[] input, Random random) {
        if (input.length == 0) {
            return input;
        }
        int from = random.nextInt(input.length);
        int to = Math.min(input.length, from + 1 + random.nextInt(8));
        byte[] out = new byte[input.length - (to - from)];
        System.arraycopy(input, 0, out, 0, from);
        System.arraycopy(input, to, out, from, input.length - to);
        return out;
    }

    private static String describe(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        return input.length + " bytes: " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
    }

    private static List<Column> columns(String... definitions) {
        List<Column> columns = new ArrayList<>();
        for (String definition : definitions) {
            int space = definition.indexOf(' ');
            String name = definition.substring(0, space);
            String sqlType = definition.substring(space + 1);
            columns.add(column(name, columns.size(), sqlType));
        }
        return columns;
    }

    private static Column column(String name, int index, String sqlType) {
        if (sqlType.endsWith("[]")) {
            Column element = column(name, index, sqlType.substring(0, sqlType.length() - 2));
            return new Column(name, index, ColumnType.ARRAY, element, sqlType, false);
        }
        return new Column(name, index, ColumnType.fromCatalog(typname(sqlType), ""), null, sqlType, false);
    }

    private static String typname(String sqlType) {
        return switch (sqlType) {
            case "smallint" -> "int2";
            case "integer" -> "int4";
            case "bigint" -> "int8";
            case "real" -> "float4";
            case "double precision" -> "float8";
            case "boolean" -> "bool";
            case "timestamp with time zone" -> "timestamptz";
            case "timestamp without time zone" -> "timestamp";
            case "time without time zone" -> "time";
            default -> sqlType;
        };
    }
}
