package io.pgsink.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One route: which topics go to which table, and how. A worker serves one or more routes; routes never share a
 * topic. The flat keys of a single-table configuration ({@code kafka.topics}, {@code table}, {@code write.mode},
 * ...) are the route named {@value #DEFAULT_NAME}.
 *
 * @param topics topic names; empty when {@code topicPattern} is set
 * @param topicPattern a regular expression matched against whole topic names, re-evaluated as topics appear; or
 *     {@code null}
 * @param table the table name, or a template where {@code ${topic}} stands for the record's topic (sanitised:
 *     lower-cased, every character other than a letter, digit or underscore replaced by an underscore)
 * @param keyColumns the key columns; empty means the table's primary key (or, for {@link KeySource#COORDINATES},
 *     the metadata columns {@code topic}, {@code partition}, {@code offset} of the mapping)
 * @param deadLetterTopic the route's dead-letter topic, or {@code null} for {@code <source topic>.dlt}
 * @param deletes whether tombstones and delete events remove rows; when off they are skipped and counted
 * @param truncates whether a Debezium truncate event empties the table; when off it is skipped and counted
 * @param autoCreate create the table when it is missing, from the records' schema or {@code declaredColumns}
 * @param autoAddColumns add a nullable column when records carry a field with a known type and no column
 * @param declaredColumns for auto-create from schemaless JSON: column definitions such as {@code id bigint}
 */
public record Route(
        String name,
        List<String> topics,
        Pattern topicPattern,
        String table,
        WriteMode mode,
        KeySource keySource,
        List<String> keyColumns,
        InputFormat format,
        Mapping mapping,
        String deadLetterTopic,
        boolean deletes,
        boolean truncates,
        MissingRowPolicy missingRows,
        boolean autoCreate,
        boolean autoAddColumns,
        List<String> declaredColumns) {

    public static final String DEFAULT_NAME = "default";
    public static final String TOPIC_PLACEHOLDER = "${topic}";

    public Route {
        topics = List.copyOf(topics);
        keyColumns = List.copyOf(keyColumns);
        declaredColumns = List.copyOf(declaredColumns);
    }

    /** Whether this route reads {@code topic}. */
    public boolean matches(String topic) {
        return topics.contains(topic)
                || (topicPattern != null && topicPattern.matcher(topic).matches());
    }

    /** The table for records of {@code topic}: the fixed name, or the template filled in and sanitised. */
    public String tableFor(String topic) {
        if (!table.contains(TOPIC_PLACEHOLDER)) {
            return table;
        }
        return table.replace(TOPIC_PLACEHOLDER, sanitise(topic));
    }

    /** A topic name as an unquoted PostgreSQL identifier part: lower case, anything but [a-z0-9_] as '_'. */
    public static String sanitise(String topic) {
        StringBuilder out = new StringBuilder(topic.length());
        for (char c : topic.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            out.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return out.toString();
    }

    /** The dead-letter topic for records of {@code sourceTopic}. */
    public String deadLetterTopicFor(String sourceTopic) {
        return deadLetterTopic == null ? sourceTopic + ".dlt" : deadLetterTopic;
    }
}
