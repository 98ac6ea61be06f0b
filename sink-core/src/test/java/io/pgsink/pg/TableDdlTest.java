package io.pgsink.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsink.decode.Change;
import io.pgsink.model.TableRef;
import io.pgsink.schema.SchemaException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableDdlTest {

    private static final TableRef TABLE = TableRef.parse("sales.orders");

    @Test
    void createsTheTableWithQuotedIdentifiersTheSchemaTypesAndAPrimaryKeyOnTheKey() {
        List<ColumnDefinition> columns = List.of(
                ColumnDefinition.of(new Change.Field("id", "bigint", false)),
                ColumnDefinition.of(new Change.Field("amount", "numeric(10,2)", true)),
                ColumnDefinition.of(new Change.Field("tags", "text[]", true)),
                ColumnDefinition.of(new Change.Field("at", "timestamptz", true)));

        assertThat(TableDdl.createTable(TABLE, columns, List.of("id")))
                .isEqualTo("CREATE TABLE IF NOT EXISTS \"sales\".\"orders\" (\"id\" bigint NOT NULL,"
                        + " \"amount\" numeric(10,2), \"tags\" text[], \"at\" timestamptz, PRIMARY KEY (\"id\"))");
    }

    @Test
    void withoutAKeyEveryColumnIsNullableAndThereIsNoPrimaryKey() {
        List<ColumnDefinition> columns =
                List.of(ColumnDefinition.parse("id bigint"), ColumnDefinition.parse("Name text"));

        assertThat(TableDdl.createTable(TableRef.parse("events"), columns, List.of()))
                .isEqualTo("CREATE TABLE IF NOT EXISTS \"public\".\"events\" (\"id\" bigint, \"Name\" text)");
    }

    @Test
    void aCompositeKeyKeepsItsOrderAndEveryKeyColumnIsNotNull() {
        List<ColumnDefinition> columns = List.of(
                ColumnDefinition.parse("id bigint"),
                ColumnDefinition.parse("tenant text"),
                ColumnDefinition.parse("payload jsonb"));

        assertThat(TableDdl.createTable(TABLE, columns, List.of("tenant", "id")))
                .isEqualTo("CREATE TABLE IF NOT EXISTS \"sales\".\"orders\" (\"id\" bigint NOT NULL, \"tenant\" text"
                        + " NOT NULL, \"payload\" jsonb, PRIMARY KEY (\"tenant\", \"id\"))");
    }

    @Test
    void identifiersWithQuotesSpacesAndDotsCannotBreakOutOfTheirQuotes() {
        ColumnDefinition odd = ColumnDefinition.of(new Change.Field("a\"; DROP TABLE x; --", "text", true));

        assertThat(TableDdl.addColumn(TableRef.parse("\"my.schema\".\"Ta\"\"ble\""), odd))
                .isEqualTo("ALTER TABLE \"my.schema\".\"Ta\"\"ble\" ADD COLUMN IF NOT EXISTS"
                        + " \"a\"\"; DROP TABLE x; --\" text");
    }

    @Test
    void anAddedColumnIsNullableWithoutDefaultEvenWhenTheFieldIsRequired() {
        ColumnDefinition required = ColumnDefinition.of(new Change.Field("qty", "integer", false));

        assertThat(TableDdl.addColumn(TABLE, required))
                .isEqualTo("ALTER TABLE \"sales\".\"orders\" ADD COLUMN IF NOT EXISTS \"qty\" integer");
        assertThat(TableDdl.addColumn(TABLE, required.asKey())).doesNotContain("NOT NULL");
    }

    @Test
    void aTypeThatIsNotATypeNameIsRefused() {
        assertThatThrownBy(() -> ColumnDefinition.of(new Change.Field("x", "text; DROP TABLE y", true)))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("column \"x\": type \"text; DROP TABLE y\" is not a PostgreSQL type name");
        assertThatThrownBy(() -> ColumnDefinition.parse("x text -- comment")).isInstanceOf(SchemaException.class);
        assertThatThrownBy(() -> ColumnDefinition.parse("lonely")).hasMessageContaining("is not \"name type\"");
    }

    @Test
    void aKeyOutsideTheColumnsOrAColumnNamedTwiceIsRefused() {
        List<ColumnDefinition> columns = List.of(ColumnDefinition.parse("id bigint"));

        assertThatThrownBy(() -> TableDdl.createTable(TABLE, columns, List.of("tenant")))
                .hasMessageContaining("key column \"tenant\" is not among the columns [id]");
        assertThatThrownBy(() -> TableDdl.createTable(TABLE, List.of(columns.get(0), columns.get(0)), List.of()))
                .hasMessageContaining("column \"id\" is named twice");
        assertThatThrownBy(() -> TableDdl.createTable(TABLE, List.of(), List.of()))
                .hasMessageContaining("cannot be created without columns");
    }
}
