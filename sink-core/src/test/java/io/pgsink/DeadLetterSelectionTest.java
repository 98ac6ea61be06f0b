package io.pgsink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterSelectionTest {

    private static DeadLetter letter(String kind, String sqlState, long timestamp) {
        Map<String, String> error =
                sqlState == null ? Map.of("kind", kind) : Map.of("kind", kind, "sqlstate", sqlState);
        return new DeadLetter("t.dlt", 0, 0, timestamp, error, List.of(), null, null);
    }

    private static DeadLetterSelection select(String kind, String sqlState, Instant since) {
        return new DeadLetterSelection(List.of(), -1, -1, since, kind, sqlState, -1);
    }

    @Test
    void noFilterSelectsEverything() {
        assertThat(DeadLetterSelection.all().matches(letter("POISON", null, 0))).isTrue();
    }

    @Test
    void kindMatchesInAnyCase() {
        assertThat(select("poison", null, null).matches(letter("POISON", "23502", 0)))
                .isTrue();
        assertThat(select("fatal", null, null).matches(letter("POISON", "23502", 0)))
                .isFalse();
    }

    @Test
    void aFiveCharacterSqlStateMatchesExactlyAndATwoCharacterOneItsClass() {
        assertThat(select(null, "23502", null).matches(letter("POISON", "23502", 0)))
                .isTrue();
        assertThat(select(null, "23505", null).matches(letter("POISON", "23502", 0)))
                .isFalse();
        assertThat(select(null, "23", null).matches(letter("POISON", "23514", 0)))
                .isTrue();
        assertThat(select(null, "22", null).matches(letter("POISON", "23514", 0)))
                .isFalse();
        assertThat(select(null, "23", null).matches(letter("POISON", null, 0)))
                .as("a record that failed decoding has no SQLSTATE")
                .isFalse();
    }

    @Test
    void sinceKeepsDeadLettersWrittenAtOrAfterIt() {
        DeadLetterSelection since = select(null, null, Instant.ofEpochMilli(1_000));
        assertThat(since.matches(letter("POISON", null, 999))).isFalse();
        assertThat(since.matches(letter("POISON", null, 1_000))).isTrue();
    }
}
