package io.pgsink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableRefTest {

    @Test
    void unquotedNamesAreTakenAsWrittenAsBefore() {
        assertThat(TableRef.parse("orders")).isEqualTo(new TableRef("public", "orders"));
        assertThat(TableRef.parse(" sales . Orders ")).isEqualTo(new TableRef("sales", "Orders"));
    }

    @Test
    void quotedPartsMayHoldDotsSpacesAndDoubledQuotes() {
        TableRef table = TableRef.parse("\"Odd Schema\".\"Events \"\"X\"\"\"");

        assertThat(table).isEqualTo(new TableRef("Odd Schema", "Events \"X\""));
        assertThat(table.quoted()).isEqualTo("\"Odd Schema\".\"Events \"\"X\"\"\"");
        assertThat(TableRef.parse("\"a.b\"")).isEqualTo(new TableRef("public", "a.b"));
        assertThat(TableRef.parse("sales.\"x.y\"")).isEqualTo(new TableRef("sales", "x.y"));
        assertThat(TableRef.parse("\"s\" . orders")).isEqualTo(new TableRef("s", "orders"));
    }

    @Test
    void rejectsWhatIsNotOneOrTwoParts() {
        assertThatThrownBy(() -> TableRef.parse("a.b.c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TableRef.parse("\"open")).hasMessageContaining("no closing quote");
        assertThatThrownBy(() -> TableRef.parse("\"a\"b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TableRef.parse("s.\"\"")).hasMessageContaining("blank");
    }
}
