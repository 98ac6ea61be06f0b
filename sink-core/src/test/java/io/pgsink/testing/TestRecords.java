package io.pgsink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgsink.decode.DecodedBatch;
import io.pgsink.model.SinkRecord;
import io.pgsink.pg.RecordOutcome;
import io.pgsink.pg.Session;
import io.pgsink.pg.TargetTable;
import io.pgsink.pg.Transaction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** Builds Kafka records holding JSON for the write tests, and writes them. */
public final class TestRecords {

    public static final ObjectMapper JSON = new ObjectMapper();

    private TestRecords() {}

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** One record per JSON text, at consecutive offsets. */
    public static List<SinkRecord> records(String... json) {
        List<SinkRecord> records = new ArrayList<>();
        for (String value : json) {
            records.add(record(records.size(), value.getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    public static List<SinkRecord> records(List<? extends JsonNode> values) {
        List<SinkRecord> records = new ArrayList<>(values.size());
        for (JsonNode value : values) {
            records.add(record(records.size(), value.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    public static SinkRecord record(long offset, byte[] value) {
        return new SinkRecord("events", 0, offset, 0L, null, value, List.of());
    }

    /** Writes and commits the records in one batch on a new session; returns the outcomes by record index. */
    public static List<RecordOutcome> writeAndCommit(TargetTable writer, List<SinkRecord> records) throws SQLException {
        DecodedBatch batch = writer.decode(records);
        List<RecordOutcome> outcomes = new ArrayList<>();
        try (Session session = writer.openSession();
                Transaction results = session.write(batch)) {
            results.forEachRemaining(outcomes::add);
            results.commit();
        }
        outcomes.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return outcomes;
    }

    /** A column set of the given schema indexes. */
    public static BitSet columns(int... indexes) {
        BitSet set = new BitSet();
        for (int i : indexes) {
            set.set(i);
        }
        return set;
    }
}
