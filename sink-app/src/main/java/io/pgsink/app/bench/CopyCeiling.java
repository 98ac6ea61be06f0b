package io.pgsink.app.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * The COPY ceiling: the benchmark's rows, encoded in COPY text format before the clock starts, streamed from memory
 * with pgjdbc's {@link CopyManager} into an empty table, {@value #ROWS_PER_TRANSACTION} rows per transaction. No
 * Kafka, no decoding, no upsert: the most a single connection can load into this table on this machine.
 */
final class CopyCeiling {

    static final int ROWS_PER_TRANSACTION = 5_000;
    private static final String TABLE = "bench_copy_ceiling";

    private final BenchDatabase database;

    CopyCeiling(BenchDatabase database) {
        this.database = database;
    }

    Measurement measure(int rows) throws SQLException {
        List<byte[]> chunks = encode(rows);
        database.freshTable(TABLE);
        long start;
        long elapsed;
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            String sql = "COPY " + TABLE + " (" + BenchData.COLUMNS + ") FROM STDIN";
            start = System.nanoTime();
            for (byte[] chunk : chunks) {
                CopyIn in = copy.copyIn(sql);
                in.writeToCopy(chunk, 0, chunk.length);
                in.endCopy();
                connection.commit();
            }
            elapsed = System.nanoTime() - start;
        }
        long written = database.count(TABLE);
        database.drop(TABLE);
        return new Measurement("copy_ceiling", "COPY ceiling: CopyManager from memory, 5,000 rows/txn, no Kafka",
            written, elapsed / 1e9, null);
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
