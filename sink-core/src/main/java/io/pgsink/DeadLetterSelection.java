package io.pgsink;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Which dead letters an operator command reads: where to read (topics, one partition, from an offset or a time)
 * and which of those to select (failure kind, SQLSTATE or SQLSTATE class), up to a limit.
 *
 * @param topics dead-letter topics to read; empty: those of the configured topics
 * @param partition only this partition of them, or -1
 * @param fromOffset start at this offset of each partition read, or -1
 * @param since only dead letters written at or after this time, or null
 * @param kind only this failure kind (any case), or null
 * @param sqlState only this SQLSTATE, or this class when two characters long (23 for every 23xxx), or null
 * @param limit at most this many selected, or -1
 */
public record DeadLetterSelection(
        List<String> topics, int partition, long fromOffset, Instant since, String kind, String sqlState, long limit) {

    public DeadLetterSelection {
        topics = List.copyOf(topics);
    }

    /** Every dead letter of the configured topics. */
    public static DeadLetterSelection all() {
        return new DeadLetterSelection(List.of(), -1, -1, null, null, null, -1);
    }

    /** Whether the letter passes the kind, SQLSTATE and time filters (where it is read from is not checked). */
    public boolean matches(DeadLetter letter) {
        if (kind != null && !kind.toUpperCase(Locale.ROOT).equals(letter.kind())) {
            return false;
        }
        if (sqlState != null && (letter.sqlState() == null || !matchesSqlState(letter.sqlState()))) {
            return false;
        }
        return since == null || letter.timestamp() >= since.toEpochMilli();
    }

    private boolean matchesSqlState(String actual) {
        String wanted = sqlState.toUpperCase(Locale.ROOT);
        return wanted.length() == 2 ? actual.startsWith(wanted) : actual.equals(wanted);
    }
}
