package io.pgsink.it;

import java.util.List;

/**
 * A source table with every common PostgreSQL column type and a deterministic script of changes to it: the rows a
 * change-data-capture test replicates. Values reach the edges a sink gets wrong: a bigint beyond a double's
 * precision, numerics with trailing zeros and with forty digits of scale, pre-epoch dates, timestamps to the
 * microsecond in a non-UTC offset, JSON whose whitespace must survive, text and bytea of several kilobytes (stored
 * out of line, so an update that does not touch them still has to carry them), arrays with NULL elements, and a
 * row of NULLs. Every statement is SQL text, so the script can be recorded beside the events it produced.
 */
final class CdcTable {

    /** The script's steps, in order; each step is one transaction. */
    static final int STEPS = 7;

    /**
     * What the script produces, one entry per Kafka record: {@code op:key}, {@code tombstone:key} for a null
     * value. The three {@code r} are the snapshot of the initial rows; the rest follow {@link #step} 1 to 7.
     */
    static final List<String> EXPECTED_EVENTS = List.of(
            "r:1",
            "r:2",
            "r:3", // snapshot
            "c:4",
            "c:5", // step 1: two inserts, one of them all NULLs
            "u:1", // step 2: every column changes
            "u:2", // step 3: one small column changes, the large ones do not
            "d:3",
            "tombstone:3",
            "c:30", // step 4: the primary key changes from 3 to 30
            "d:4",
            "tombstone:4", // step 5: delete
            "c:6",
            "u:6",
            "d:6",
            "tombstone:6", // step 6: insert, update, delete of one key in one transaction
            "c:4"); // step 7: a deleted key comes back

    /** The primary keys left once every step has run. */
    static final List<Integer> FINAL_KEYS = List.of(1, 2, 4, 5, 30);

    private static final String COLUMNS = "c_smallint, c_integer, c_bigint, c_numeric, c_numeric_free, c_real,"
            + " c_double, c_boolean, c_text, c_varchar, c_date, c_time, c_timestamp, c_timestamptz, c_uuid, c_jsonb,"
            + " c_json, c_bytea, c_int_array, c_text_array";

    final String name;

    CdcTable(String name) {
        this.name = name;
    }

    /** Creates the table; REPLICA IDENTITY FULL puts the whole old row into updates and deletes. */
    List<String> create() {
        return List.of(
                "CREATE TABLE " + name + " (id integer PRIMARY KEY, c_smallint smallint, c_integer integer,"
                        + " c_bigint bigint, c_numeric numeric(12,3), c_numeric_free numeric, c_real real,"
                        + " c_double double precision, c_boolean boolean, c_text text, c_varchar varchar(50),"
                        + " c_date date, c_time time, c_timestamp timestamp, c_timestamptz timestamptz,"
                        + " c_uuid uuid, c_jsonb jsonb, c_json json, c_bytea bytea, c_int_array integer[],"
                        + " c_text_array text[])",
                "ALTER TABLE " + name + " REPLICA IDENTITY FULL");
    }

    /** The rows that exist before the connector starts, so they arrive as its snapshot. */
    List<String> initialRows() {
        return List.of(insert(1, 0), insert(2, 0), insert(3, 0));
    }

    /** Step {@code n} (1 to {@link #STEPS}) of the change script: the statements of one transaction. */
    List<String> step(int n) {
        return switch (n) {
            case 1 -> List.of(insert(4, 0), "INSERT INTO " + name + " (id) VALUES (5)");
            case 2 -> List.of("UPDATE " + name + " SET (" + COLUMNS + ") = (SELECT " + values(1, 1) + ") WHERE id = 1");
            case 3 -> List.of("UPDATE " + name + " SET c_smallint = c_smallint + 1 WHERE id = 2");
            case 4 -> List.of("UPDATE " + name + " SET id = 30 WHERE id = 3");
            case 5 -> List.of("DELETE FROM " + name + " WHERE id = 4");
            case 6 ->
                List.of(
                        insert(6, 0),
                        "UPDATE " + name + " SET c_text = 'short now', c_bytea = NULL WHERE id = 6",
                        "DELETE FROM " + name + " WHERE id = 6");
            case 7 -> List.of(insert(4, 2));
            default -> throw new IllegalArgumentException("no step " + n);
        };
    }

    private String insert(int id, int version) {
        return "INSERT INTO " + name + " (id, " + COLUMNS + ") SELECT " + id + ", " + values(id, version);
    }

    /**
     * The values of row {@code id} at {@code version}, as SQL expressions in the order of {@link #COLUMNS}, each
     * typed: in {@code UPDATE ... SET (...) = (SELECT ...)} an untyped literal would be text.
     */
    private static String values(int id, int version) {
        int v = id * 10 + version;
        return String.join(
                ", ",
                "-" + (v * 100 + 7) + "::smallint",
                Integer.toString(v * 1_000_003),
                (9_007_199_254_740_993L + v) + "::bigint",
                "'" + (v * 1_234_567 % 999_999_999) + ".050'::numeric",
                v % 2 == 0
                        ? "'" + v + ".1234567890123456789012345678901234567890'::numeric"
                        : "'-123456789012345678901234567890'::numeric",
                "'" + v + ".1'::real",
                "'" + v + ".141592653589793'::double precision",
                v % 2 == 0 ? "true" : "false",
                text(v),
                "'name-" + v + " ünïcødé'::varchar",
                "date '1969-07-20' + " + (v - 30) * 400,
                "time '13:14:15.123456' + interval '" + v + " minutes'",
                "timestamp '2024-02-29 12:34:56.123456' + interval '" + v + " days'",
                "timestamptz '1960-01-01 00:00:00.000001+05:30' + interval '" + v + " years 3 microseconds'",
                "md5('" + v + "')::uuid",
                "'{\"id\": " + v
                        + ", \"nested\": {\"a\": [1, 2.50, null, \"x\\\"y\"]}, \"big\": 12345678901234567890}'::jsonb",
                "'{ \"keep\" :  \"whitespace\", \"id\" : " + v + " }'::json",
                "(SELECT decode(string_agg(md5('b" + v + "-' || i), ''), 'hex') FROM generate_series(1, 256) i)",
                "ARRAY[" + v + ", -" + v + ", 2147483647, NULL]::integer[]",
                "ARRAY['a', 'b c', 'quote\"d', 'back\\slash', NULL, '', 'ü-" + v + "']::text[]");
    }

    /** About 6.7 KB of text that compresses poorly, so PostgreSQL stores it out of line (TOAST). */
    private static String text(int v) {
        return "E'v" + v + " Grüße, 世界 ☃ \"quoted\" \\\\ tab\\t newline\\n ' || (SELECT string_agg(md5('t" + v
                + "-' || i), ' ') FROM generate_series(1, 200) i)";
    }
}
