package io.pgsink.decode;

import io.pgsink.config.InputFormat;
import io.pgsink.model.SinkRecord;

/**
 * Reads a record's key and value in one input format and says what it asks of the table. Pure: no I/O, no JDBC,
 * no Kafka client; thread safe. What the format returns is then mapped to the table's columns by the route's
 * mapping, with the same value rules for every format.
 */
public interface RecordFormat {

    /**
     * The format that reads records written as {@code format}: {@code JSON} passes each value on untouched,
     * {@code CONNECT_JSON} reads Kafka Connect's schema and payload, {@code DEBEZIUM} reads change events (with or
     * without the schema envelope) and {@code ExtractNewRecordState} rows.
     */
    static RecordFormat of(InputFormat format) {
        return switch (format) {
            case JSON -> new JsonFormat();
            case CONNECT_JSON -> new ConnectFormat();
            case DEBEZIUM -> new DebeziumFormat();
        };
    }

    /**
     * @return the change, or {@code null} when the record asks nothing of a table (a Debezium heartbeat, a
     *     tombstone that follows a delete event): such a record is skipped and counted, never written
     * @throws DecodeException when the record can never be read in this format (poison)
     */
    Change read(SinkRecord record) throws DecodeException;
}
