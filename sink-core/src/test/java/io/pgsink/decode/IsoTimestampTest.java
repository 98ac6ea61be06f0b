package io.pgsink.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.OffsetDateTime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoTimestampTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2024-05-01T12:30:00Z",
                "2024-05-01T12:30:00.1Z",
                "2024-05-01T12:30:00.123456789Z",
                "2024-02-29T00:00:00+02:00",
                "2000-02-29T23:59:59-14:59",
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z",
                "2026-11-01T08:00:00.037+05:30"
            })
    void acceptsTheCommonFormAsItIs(String text) {
        assertThat(IsoTimestamp.isOffsetDateTime(text)).isTrue();
        assertThatCode(() -> OffsetDateTime.parse(text)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2024-05-01T12:30:00",
                "2024-05-01 12:30:00Z",
                "2024-05-01t12:30:00Z",
                "2024-05-01T12:30:00z",
                "2023-02-29T00:00:00Z",
                "1900-02-29T00:00:00Z",
                "2024-04-31T00:00:00Z",
                "2024-13-01T00:00:00Z",
                "2024-00-01T00:00:00Z",
                "2024-05-00T00:00:00Z",
                "2024-05-01T24:00:00Z",
                "2024-05-01T12:60:00Z",
                "2024-05-01T12:30:60Z",
                "0000-01-01T00:00:00Z",
                "2024-05-01T12:30:00.Z",
                "2024-05-01T12:30:00.1234567890Z",
                "2024-05-01T12:30:00+15:00",
                "2024-05-01T12:30:00+02:60",
                "2024-05-01T12:30:00+0200",
                "2024-05-01T12:30:00+02",
                "2024-05-01T12:30:00+02:00:00",
                "2024-05-01T12:30:00Z ",
                " 2024-05-01T12:30:00Z",
                "2024-05-01T-1:30:00Z",
                "2024-5-01T12:30:00Z",
                "+2024-05-01T12:30:00Z",
                "2024-05-01T12:30:00ZZ",
                "2024-05-01T12:30:00.5+02:00x",
                ""
            })
    void leavesEverythingElseToTheFullParser(String text) {
        assertThat(IsoTimestamp.isOffsetDateTime(text)).isFalse();
    }

    @Test
    void everyAcceptedMutationOfAValidTimestampIsOneJavaParsesToo() {
        SplittableRandom random = new SplittableRandom(42);
        String base = "2024-02-29T23:59:59.123+14:30";
        String alphabet = "0123456789-+:.TZ ";
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            char[] chars = base.toCharArray();
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String text = new String(chars);
            if (IsoTimestamp.isOffsetDateTime(text)) {
                accepted++;
                assertThatCode(() -> OffsetDateTime.parse(text)).as(text).doesNotThrowAnyException();
            }
        }
        assertThat(accepted)
                .as("the mutations must also produce valid timestamps")
                .isGreaterThan(1_000);
    }
}
