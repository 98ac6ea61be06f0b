package io.pgsink.pg;

import com.sun.management.ThreadMXBean;
import io.pgsink.decode.DecodeException;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.decode.Row;
import io.pgsink.decode.RowDecoder;
import io.pgsink.model.TableRef;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import io.pgsink.schema.TableSchema;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The worker's CPU cost per record outside Kafka and PostgreSQL: decoding a batch of JSON records (the bench
 * command's payment events) and encoding it as COPY text, on one thread, in ns and bytes allocated per record. A
 * measurement, not a test: it asserts nothing and runs only when asked:
 *
 * <pre>
 * mvn -o -pl sink-core test -Dtest=DecodeBenchmark -Dpgsink.benchmark=true
 * </pre>
 */
@Tag("benchmark")
@EnabledIfSystemProperty(named = "pgsink.benchmark", matches = "true")
class DecodeBenchmark {

    private static final int BATCH = 5_000;
    private static final int ROUNDS = 200;

    private static final List<Column> COLUMNS = List.of(
            new Column("id", 0, ColumnType.BIGINT, null, "bigint", true),
            new Column("account", 1, ColumnType.TEXT, null, "text", true),
            new Column("amount", 2, ColumnType.NUMERIC, null, "numeric(14,2)", true),
            new Column("at", 3, ColumnType.TIMESTAMPTZ, null, "timestamp with time zone", true),
            new Column("payload", 4, ColumnType.JSONB, null, "jsonb", true),
            new Column("sent_at", 5, ColumnType.TIMESTAMPTZ, null, "timestamp with time zone", true),
            new Column("written_at", 6, ColumnType.TIMESTAMPTZ, null, "timestamp with time zone", true));

    @Test
    void decodeAndEncode() throws SQLException {
        TableSchema schema = new TableSchema(new TableRef("public", "events"), COLUMNS, List.of("id"));
        RowDecoder decoder = new RowDecoder(schema, List.of(COLUMNS.get(0)), false);
        List<byte[]> values = new ArrayList<>();
        Instant epoch = Instant.parse("2026-11-01T08:00:00Z");
        for (int id = 0; id < BATCH; id++) {
            String account = "ACC-" + (100_000 + id * 7919 % 50_000);
            values.add(("{\"id\":" + id + ",\"account\":\"" + account + "\",\"amount\":" + (id % 99_999) + ".25"
                            + ",\"at\":\"" + epoch.plusMillis(id * 37L)
                            + "\",\"payload\":{\"channel\":\"web\",\"country\":\"DE\","
                            + "\"items\":" + (1 + id % 9) + ",\"sku\":\"SKU-" + (10_000 + id % 90_000)
                            + "\",\"tags\":[\"gift\","
                            + "\"promo\"],\"note\":\"order " + id + " for " + account + " via web\"},\"sent_at\":\""
                            + epoch.plusMillis(id) + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] sink = new long[1];
        for (int round = 0; round < ROUNDS; round++) {
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            long started = System.nanoTime();
            List<Row> rows = new ArrayList<>(BATCH);
            Map<Integer, DecodeException> failures = new HashMap<>();
            for (int i = 0; i < BATCH; i++) {
                try {
                    rows.add(decoder.decode(i, values.get(i)));
                } catch (DecodeException e) {
                    failures.put(i, e);
                }
            }
            DecodedBatch batch = new DecodedBatch(rows, failures, List.of(COLUMNS.get(0)));
            long decoded = System.nanoTime();
            CopyEncoder encoder = new CopyEncoder((bytes, offset, length) -> sink[0] += length);
            BitSet columns = rows.get(0).present();
            for (List<Row> generation : batch.generations()) {
                for (Row row : generation) {
                    encoder.write(row, columns);
                }
            }
            encoder.flush();
            long encoded = System.nanoTime();
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            if (round % 20 == 19) {
                System.out.printf(
                        "round %d: decode %.0f ns/record, encode %.0f ns/record, %.0f bytes allocated"
                                + "/record, %d failures%n",
                        round + 1,
                        (decoded - started) / (double) BATCH,
                        (encoded - decoded) / (double) BATCH,
                        allocated / (double) BATCH,
                        failures.size());
            }
        }
        System.out.println("bytes encoded: " + sink[0]);
    }
}
