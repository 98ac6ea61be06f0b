package io.pgsink.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.config.WriteMode;
import io.pgsink.schema.Column;
import io.pgsink.schema.ColumnType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How a batch of writes, deletes and truncates is cut into steps that end as if applied one by one. */
class DecodedBatchOrderTest {

    private static final Column KEY = new Column("k", 0, ColumnType.TEXT, null, "text", true);
    private static final List<Column> KEYS = List.of(KEY);
    private static final int COLUMNS = 3;

    private static Row write(int index, String key, String... values) {
        String[] all = new String[COLUMNS];
        BitSet present = new BitSet();
        all[0] = key;
        present.set(0);
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                all[i + 1] = values[i];
                present.set(i + 1);
            }
        }
        return new Row(index, present, all, Operation.WRITE);
    }

    private static Row delete(int index, String key) {
        String[] all = new String[COLUMNS];
        all[0] = key;
        BitSet present = new BitSet();
        present.set(0);
        return new Row(index, present, all, Operation.DELETE);
    }

    private static Row truncate(int index) {
        return new Row(index, new BitSet(), new String[COLUMNS], Operation.TRUNCATE);
    }

    /** Each step as its operation's initial and the batch indexes of its rows, e.g. "W[0, 2]". */
    private static List<String> steps(DecodedBatch batch) {
        return batch.steps().stream()
                .map(s -> s.operation().name().charAt(0)
                        + s.rows().stream().map(Row::index).toList().toString())
                .toList();
    }

    @Test
    void insertModeAppliesAReInsertAfterTheDeleteThatFollowsTheFirstInsert() {
        DecodedBatch batch = new DecodedBatch(
                List.of(write(0, "a", "1"), write(1, "b", "1"), delete(2, "a"), write(3, "a", "2")),
                Map.of(),
                KEYS,
                WriteMode.INSERT);

        assertThat(steps(batch)).containsExactly("W[0, 1]", "D[2]", "W[3]");
    }

    @Test
    void aWriteOnlyInsertBatchIsOneStepEvenWhenAKeyRepeats() {
        DecodedBatch batch =
                new DecodedBatch(List.of(write(0, "a", "1"), write(1, "a", "2")), Map.of(), KEYS, WriteMode.INSERT);

        assertThat(steps(batch)).containsExactly("W[0, 1]");
    }

    @Test
    void upsertModeDropsWritesADeleteOfTheirKeyFollowsAndKeepsTheWriteAfterIt() {
        DecodedBatch batch = new DecodedBatch(
                List.of(
                        write(0, "a", "1", "x"),
                        write(1, "a", "2", null),
                        write(2, "b", "1", null),
                        delete(3, "a"),
                        write(4, "a", null, "y"),
                        delete(5, "c"),
                        delete(6, "c")),
                Map.of(),
                KEYS,
                WriteMode.UPSERT);

        assertThat(steps(batch)).containsExactly("D[3, 5]", "W[2, 4]");
        assertThat(batch.rowIndexes()).hasSize(7);
    }

    @Test
    void upsertModeWritesAPartialVersionAfterTheFullOneItFollows() {
        DecodedBatch batch = new DecodedBatch(
                List.of(write(0, "a", "1", "x"), write(1, "a", "2", null)), Map.of(), KEYS, WriteMode.UPSERT);

        assertThat(steps(batch)).containsExactly("W[0]", "W[1]");
    }

    @Test
    void insertIfAbsentModeKeepsTheFirstWriteOfAKeyUntilADeleteOfIt() {
        DecodedBatch batch = new DecodedBatch(
                List.of(write(0, "a", "1"), write(1, "a", "2"), delete(2, "a"), write(3, "a", "3"), write(4, "a", "4")),
                Map.of(),
                KEYS,
                WriteMode.INSERT_IF_ABSENT);

        assertThat(steps(batch)).containsExactly("W[0]", "D[2]", "W[3]");
    }

    @Test
    void updateModeNamesTheWriteThatStandsForEachLeftOutOne() {
        DecodedBatch batch = new DecodedBatch(
                List.of(write(0, "a", "1", null), write(1, "a", "2", "x"), write(2, "a", "3", "y")),
                Map.of(),
                KEYS,
                WriteMode.UPDATE);

        assertThat(steps(batch)).containsExactly("W[2]");
        assertThat(batch.replacedBy()).containsEntry(0, 1).containsEntry(1, 2);
    }

    @Test
    void aTruncateSplitsTheBatchIntoBeforeItselfAndAfter() {
        DecodedBatch batch = new DecodedBatch(
                List.of(write(0, "a", "1"), delete(1, "b"), truncate(2), write(3, "a", "2"), delete(4, "a")),
                Map.of(),
                KEYS,
                WriteMode.UPSERT);

        assertThat(steps(batch)).containsExactly("D[1]", "W[0]", "T[2]", "D[4]");
    }

    @Test
    void aDeleteWithoutAKeyToDeleteByIsAFailureAndNotWritten() {
        DecodedBatch noKey =
                new DecodedBatch(List.of(write(0, "a", "1"), delete(1, "a")), Map.of(), List.of(), WriteMode.INSERT);
        DecodedBatch nullKey = new DecodedBatch(List.of(delete(0, null)), Map.of(), KEYS, WriteMode.UPSERT);

        assertThat(noKey.rowIndexes()).containsExactly(0);
        assertThat(noKey.failures()).containsOnlyKeys(1);
        assertThat(nullKey.rowIndexes()).isEmpty();
        assertThat(nullKey.failures().get(0).column()).isEqualTo("k");
    }

    /**
     * The proof: for random batches of writes (full and partial), deletes and truncates over a few keys, applied
     * to a random table, the steps end with the same table, the same rejected inserts and the same missing rows as
     * applying the records one by one; and no step meets a key twice.
     */
    @ParameterizedTest
    @EnumSource(WriteMode.class)
    void stepsEndAsIfTheRecordsWereAppliedOneByOne(WriteMode mode) {
        Random random = new Random(42 + mode.ordinal());
        for (int run = 0; run < 3_000; run++) {
            Map<String, String[]> start = randomTable(random);
            List<Row> rows = randomRows(random, 1 + random.nextInt(12));
            DecodedBatch batch = new DecodedBatch(rows, Map.of(), KEYS, mode);

            Model oneByOne = new Model(mode, start);
            rows.forEach(oneByOne::apply);
            Model stepped = new Model(mode, start);
            // insert mode leaves a batch of writes alone: a repeated key is the database's to reject
            boolean writesOnly = rows.stream().allMatch(r -> r.operation() == Operation.WRITE);
            boolean keysRepeat = mode == WriteMode.INSERT && writesOnly;
            for (DecodedBatch.Step step : batch.steps()) {
                Set<String> keys = new HashSet<>();
                for (Row row : step.rows()) {
                    assertThat(keysRepeat || step.operation() == Operation.TRUNCATE || keys.add(row.values()[0]))
                            .as("key %s twice in a step of %s", row.values()[0], rows)
                            .isTrue();
                    assertThat(row.operation()).isEqualTo(step.operation());
                    stepped.apply(row);
                }
            }
            stepped.leftOut(rows, batch);

            assertThat(stepped.table).as("table after %s", describe(rows)).isEqualTo(oneByOne.table);
            assertThat(stepped.rejected).as("rejected in %s", describe(rows)).isEqualTo(oneByOne.rejected);
            assertThat(stepped.missing).as("missing in %s", describe(rows)).isEqualTo(oneByOne.missing);
        }
    }

    private static Map<String, String[]> randomTable(Random random) {
        Map<String, String[]> table = new HashMap<>();
        for (String key : List.of("a", "b", "c")) {
            if (random.nextBoolean()) {
                table.put(key, new String[] {key, "old1", "old2"});
            }
        }
        return table;
    }

    private static List<Row> randomRows(Random random, int count) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = List.of("a", "b", "c").get(random.nextInt(3));
            int kind = random.nextInt(20);
            if (kind == 0) {
                rows.add(truncate(i));
            } else if (kind < 6) {
                rows.add(delete(i, key));
            } else {
                String first = random.nextInt(3) == 0 ? null : "v" + i;
                String second = random.nextInt(3) == 0 ? null : "w" + i;
                rows.add(write(i, key, first, second));
            }
        }
        return rows;
    }

    private static List<String> describe(List<Row> rows) {
        return rows.stream()
                .map(r -> r.operation().name().charAt(0) + r.index() + ":" + r.values()[0] + r.present())
                .toList();
    }

    /** A table as each write mode changes it, one row at a time. */
    private static final class Model {
        final WriteMode mode;
        final Map<String, List<String>> table = new HashMap<>();
        final Set<Integer> rejected = new TreeSet<>();
        final Set<Integer> missing = new TreeSet<>();

        Model(WriteMode mode, Map<String, String[]> start) {
            this.mode = mode;
            start.forEach((k, v) -> table.put(k, new ArrayList<>(List.of(v))));
        }

        void apply(Row row) {
            String key = row.values()[0];
            switch (row.operation()) {
                case TRUNCATE -> table.clear();
                case DELETE -> table.remove(key);
                default -> write(row, key);
            }
        }

        private void write(Row row, String key) {
            List<String> existing = table.get(key);
            if (existing == null) {
                if (mode == WriteMode.UPDATE) {
                    missing.add(row.index());
                    return;
                }
                List<String> fresh = new ArrayList<>(List.of("", "", ""));
                fresh.replaceAll(v -> null);
                row.present().stream().forEach(i -> fresh.set(i, row.values()[i]));
                table.put(key, fresh);
                return;
            }
            switch (mode) {
                case INSERT -> rejected.add(row.index());
                case INSERT_IF_ABSENT -> {}
                default -> row.present().stream().forEach(i -> existing.set(i, row.values()[i]));
            }
        }

        /** Rows the batch left out: missing exactly when the write that stands for them was. */
        void leftOut(List<Row> rows, DecodedBatch batch) {
            Set<Integer> applied = new HashSet<>();
            batch.steps().forEach(s -> s.rows().forEach(r -> applied.add(r.index())));
            for (Row row : rows) {
                Integer by = batch.replacedBy().get(row.index());
                while (by != null && !applied.contains(by)) {
                    by = batch.replacedBy().get(by);
                }
                if (!applied.contains(row.index()) && by != null && missing.contains(by)) {
                    missing.add(row.index());
                }
            }
        }
    }
}
