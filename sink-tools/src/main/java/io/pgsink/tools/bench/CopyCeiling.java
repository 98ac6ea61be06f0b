package io.pgsink.tools.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * The COPY ceiling: the benchmark's rows, encoded in COPY text format before the clock starts, streamed from memory
 * with pgjdbc's {@link CopyManager} into an empty table, {@value #ROWS_PER_TRANSACTION} rows per transaction. No
 * Kafka, no decoding: the most a single connection can load into this table on this machine.
 *
 * <p>The upsert variant does in SQL what pgsink's COPY upsert does (COPY into a temporary staging table, then
 * {@code INSERT ... SELECT ... ON CONFLICT DO UPDATE} into the table, in the same transaction), to tell the cost of
 * upserting apart from the cost of the pipeline around it.
 */
final class CopyCeiling {

    static final int ROWS_PER_TRANSACTION = 5_000;
    private static final String TABLE = "bench_copy_ceiling";
    private static final String STAGE = "bench_copy_stage";

    private final BenchDatabase database;

    CopyCeiling(BenchDatabase database) {
        this.database = database;
    }

    Measurement measure(int rows, boolean upsert) throws SQLException {
        List<byte[]> chunks = encode(rows);
        database.freshTable(TABLE);
        long elapsed;
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            if (upsert) {
                statement.execute("CREATE TEMP TABLE " + STAGE + " ON COMMIT DELETE ROWS AS SELECT " + BenchData.COLUMNS
                        + " FROM " + TABLE + " WITH NO DATA");
            }
            connection.setAutoCommit(false);
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            String sql = "COPY " + (upsert ? STAGE : TABLE) + " (" + BenchData.COLUMNS + ") FROM STDIN";
            long start = System.nanoTime();
            for (byte[] chunk : chunks) {
                CopyIn in = copy.copyIn(sql);
                in.writeToCopy(chunk, 0, chunk.length);
                in.endCopy();
                if (upsert) {
                    statement.executeUpdate(merge());
                }
                connection.commit();
            }
            elapsed = System.nanoTime() - start;
        }
        long written = database.count(TABLE);
        database.drop(TABLE);
        return upsert
                ? new Measurement(
                        "copy_upsert_ceiling",
                        "for reference: COPY to staging + INSERT..ON CONFLICT, no Kafka",
                        written,
                        elapsed / 1e9,
                        -1,
                        null)
                : new Measurement(
                        "copy_ceiling",
                        "COPY ceiling: CopyManager from memory, 5,000 rows/txn, no Kafka",
                        written,
                        elapsed / 1e9,
                        -1,
                        null);
    }

    private static String merge() {
        return "INSERT INTO " + TABLE + " (" + BenchData.COLUMNS + ") SELECT " + BenchData.COLUMNS + " FROM " + STAGE
                + " ON CONFLICT (id) DO UPDATE SET account = EXCLUDED.account, amount = EXCLUDED.amount,"
                + " at = EXCLUDED.at, payload = EXCLUDED.payload, sent_at = EXCLUDED.sent_at";
    }

    private static List<byte[]> encode(int rows) {
        List<byte[]> chunks = new ArrayList<>();
        Instant now = Instant.now();
        StringBuilder text = new StringBuilder();
        for (int id = 0; id < rows; id++) {
            BenchData.event(id, now).appendCopyLine(text);
            if ((id + 1) % ROWS_PER_TRANSACTION == 0 || id == rows - 1) {
                chunks.add(text.toString().getBytes(StandardCharsets.UTF_8));
                text.setLength(0);
            }
        }
        return chunks;
    }
}
