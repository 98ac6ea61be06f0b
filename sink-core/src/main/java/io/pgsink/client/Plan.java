package io.pgsink.client;

import io.pgsink.decode.Row;
import io.pgsink.pg.TargetTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated batch cut into generations, applied in order: within one, no key of a table appears twice, so its
 * operations can go per table and kind in any order (one statement each) and the table still ends as if they ran
 * one by one. An operation goes one generation after the last one that touched its key; a SQL statement, which may
 * touch anything, gets a generation of its own after everything before it, and what follows comes after it. A table
 * that the batch addresses by two different keys (say upserts by id, deletes by email) is applied in strict order.
 */
final class Plan {

    /** One validated operation: its table writer (by table, kind and key) and decoded row; neither for SQL. */
    record Item(int index, Op op, TargetTable target, Row row, String conflictKey) {}

    /** The operations of one generation: rows per table writer, in operation order, and at most one SQL statement. */
    record Generation(Map<TargetTable, List<Row>> rows, Item sql) {}

    private final List<Item> items;
    private final List<Generation> generations;

    Plan(List<Item> items) {
        this.items = List.copyOf(items);
        this.generations = cut(items);
    }

    List<Item> items() {
        return items;
    }

    List<Generation> generations() {
        return generations;
    }

    private static List<Generation> cut(List<Item> items) {
        Set<Object> strict = strictTables(items);
        Map<String, Integer> lastOfKey = new HashMap<>();
        Map<Object, Integer> lastOfTable = new HashMap<>();
        List<Integer> generationOf = new ArrayList<>(items.size());
        int floor = 0;
        int highest = 0;
        for (Item item : items) {
            int g;
            if (item.target() == null) {
                g = generationOf.isEmpty() ? 0 : highest + 1;
                floor = g + 1;
            } else if (strict.contains(item.op().table())) {
                g = Math.max(floor, lastOfTable.getOrDefault(item.op().table(), -1) + 1);
            } else if (item.conflictKey() != null && lastOfKey.containsKey(item.conflictKey())) {
                g = Math.max(floor, lastOfKey.get(item.conflictKey()) + 1);
            } else {
                g = floor;
            }
            if (item.conflictKey() != null) {
                lastOfKey.put(item.conflictKey(), g);
            }
            if (item.target() != null) {
                lastOfTable.merge(item.op().table(), g, Math::max);
            }
            generationOf.add(g);
            highest = Math.max(highest, g);
        }
        List<Map<TargetTable, List<Row>>> rows = new ArrayList<>();
        List<Item> sql = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            int g = generationOf.get(i);
            while (rows.size() <= g) {
                rows.add(new LinkedHashMap<>());
                sql.add(null);
            }
            Item item = items.get(i);
            if (item.target() == null) {
                sql.set(g, item);
            } else {
                rows.get(g)
                        .computeIfAbsent(item.target(), t -> new ArrayList<>())
                        .add(item.row());
            }
        }
        List<Generation> cut = new ArrayList<>(rows.size());
        for (int g = 0; g < rows.size(); g++) {
            cut.add(new Generation(rows.get(g), sql.get(g)));
        }
        return cut;
    }

    /** Tables the batch addresses by more than one key (or by a key and without one): applied in strict order. */
    private static Set<Object> strictTables(List<Item> items) {
        Map<Object, Set<List<String>>> keys = new HashMap<>();
        Map<TargetTable, List<String>> sortedKeys = new HashMap<>(); // once per table writer, not per row
        for (Item item : items) {
            if (item.target() != null) {
                List<String> key = item.conflictKey() == null
                        ? List.of()
                        : sortedKeys.computeIfAbsent(
                                item.target(),
                                t -> t.keyColumnNames().stream().sorted().toList());
                keys.computeIfAbsent(item.op().table(), t -> new HashSet<>()).add(key);
            }
        }
        Set<Object> strict = new HashSet<>();
        keys.forEach((table, sets) -> {
            if (sets.size() > 1) {
                strict.add(table);
            }
        });
        return strict;
    }
}
