package io.pgsink.decode;

import static io.pgsink.testing.TestRecords.columns;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DecodedBatchTest {

    private static final Column KEY_A = new Column("a", 0, ColumnType.TEXT, null, "text", true);
    private static final Column KEY_B = new Column("b", 1, ColumnType.TEXT, null, "text", true);

    private static Row row(int index, String... values) {
        BitSet present = new BitSet();
        present.set(0, values.length);
        return new Row(index, present, values);
    }

    private static List<List<Integer>> indexes(List<List<Row>> generations) {
        return generations.stream()
                .map(g -> g.stream().map(Row::index).toList())
                .toList();
    }

    @Test
    void rowsWithoutRepeatedKeysAreOneGenerationInOrder() {
        DecodedBatch batch = new DecodedBatch(
                List.of(row(0, "a", "1"), row(1, "b", "1"), row(2, "c", "1")), Map.of(), List.of(KEY_A));

        assertThat(indexes(batch.generations())).containsExactly(List.of(0, 1, 2));
    }

    @Test
    void theLastVersionOfAKeyWinsWhenItSetsEveryColumnTheEarlierOnesSet() {
        DecodedBatch batch = new DecodedBatch(
                List.of(
                        row(0, "a", "1"),
                        row(1, "b", "1"),
                        row(2, "a", "2"),
                        row(3, "c", "1"),
                        row(4, "a", "3"),
                        row(5, "b", "2")),
                Map.of(),
                List.of(KEY_A));

        assertThat(indexes(batch.generations())).containsExactly(List.of(3, 4, 5));
        assertThat(batch.rowIndexes())
                .as("every record still counts as written")
                .hasSize(6);
    }

    @Test
    void aPartialLaterVersionDoesNotEraseTheEarlierOnesOtherColumns() {
        Row full = row(0, "a", "1", "x");
        Row partial = new Row(1, columns(0, 1), new String[] {"a", "2", null});
        Row other = row(2, "b", "1", "y");
        Row fullAgain = row(3, "a", "3", "z");
        Row partialLast = new Row(4, columns(0, 2), new String[] {"a", null, "w"});

        assertThat(indexes(new DecodedBatch(List.of(full, partial, other), Map.of(), List.of(KEY_A)).generations()))
                .containsExactly(List.of(0, 2), List.of(1));
        assertThat(indexes(new DecodedBatch(List.of(partial, other, fullAgain, partialLast), Map.of(), List.of(KEY_A))
                        .generations()))
                .containsExactly(List.of(2, 3), List.of(4));
    }

    @Test
    void aCompositeKeyRepeatsOnlyWhenEveryColumnDoes() {
        DecodedBatch batch = new DecodedBatch(
                List.of(row(0, "a", "1"), row(1, "a", "2"), row(2, "a", "1")), Map.of(), List.of(KEY_A, KEY_B));

        assertThat(indexes(batch.generations())).containsExactly(List.of(1, 2));
    }

    @Test
    void insertModeNeverSplits() {
        DecodedBatch batch = new DecodedBatch(List.of(row(0, "a"), row(1, "a")), Map.of(), List.of());

        assertThat(indexes(batch.generations())).containsExactly(List.of(0, 1));
    }

    @Test
    void keysEqualToTheDatabaseButSpelledDifferentlyAreOneKey() {
        Column at = new Column("at", 0, ColumnType.TIMESTAMPTZ, null, "timestamp with time zone", true);
        Column amount = new Column("amount", 1, ColumnType.NUMERIC, null, "numeric", true);
        DecodedBatch batch = new DecodedBatch(
                List.of(
                        row(0, "2024-05-01T12:00:00Z", "1.50"),
                        row(1, "2024-05-01T14:00:00.000+02:00", "1.5"),
                        row(2, "2024-05-01T12:00:00+00:00", "2"),
                        row(3, "2024-05-01T12:00:00.1Z", "1.5")),
                Map.of(),
                List.of(at, amount));

        // 0 and 1 are one key (same instant, same number), superseded by nothing else; 2 and 3 differ.
        assertThat(indexes(batch.generations())).containsExactly(List.of(1, 2, 3));
    }

    @Test
    void skippedRecordsAreKeptApartFromRowsAndFailuresAndNotCarriedIntoParts() {
        DecodedBatch batch = new DecodedBatch(
                List.of(row(0, "a"), row(2, "b")),
                Map.of(3, new DecodeException(null, "bad")),
                Set.of(1),
                List.of(KEY_A));

        assertThat(batch.skipped()).containsExactly(1);
        assertThat(batch.rowIndexes()).containsExactly(0, 2);
        assertThat(batch.failures()).containsOnlyKeys(3);
        assertThat(batch.slice(0, 1).skipped()).isEmpty();
        assertThat(batch.select(i -> true).skipped()).isEmpty();
        assertThat(new DecodedBatch(List.of(), Map.of(), List.of()).skipped()).isEmpty();
    }
}
