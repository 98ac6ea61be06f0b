package io.pgsink.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(Json.string("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    @Test
    void absentOffsetIsNull() {
        assertThat(Json.offset(-1)).isEqualTo("null");
        assertThat(Json.offset(0)).isEqualTo("0");
    }
}
