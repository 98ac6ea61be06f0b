package io.pgsink.pg;

import io.pgsink.model.PartitionRef;
import io.pgsink.model.TableRef;
import io.pgsink.schema.SchemaException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The progress table of {@code delivery.guarantee=exactly-once}: per consumer group, topic and partition, the next
 * offset to read and the generation of the partition's current owner. It is what makes delivery exactly once in
 * every write mode:
 *
 * <ul>
 *   <li>A worker that is assigned a partition {@linkplain #claim claims} it first: the generation goes up by one
 *       and the stored offset comes back, to seek to. The claim waits for a transaction of the previous owner that
 *       already updated the row, so it sees that transaction's offset.
 *   <li>Every batch transaction {@linkplain #advance advances} its partitions' offsets, conditioned on the
 *       generation it was handed over under. A partition claimed by someone else since matches no row: the batch
 *       must roll back, and no zombie write can commit after a new owner took over, with no window between the
 *       check and the COMMIT (the row lock orders them).
 *   <li>After an unanswered COMMIT, {@link #read} tells whether the batch's offsets are in: the table, not a
 *       transaction id, is the record of what committed.
 * </ul>
 *
 * Thread safe; claims and reads use pooled connections of their own.
 */
public final class ProgressStore {

    private static final String DDL = "CREATE TABLE IF NOT EXISTS %s ("
            + " group_id text NOT NULL, topic text NOT NULL, partition integer NOT NULL,"
            + " next_offset bigint NOT NULL, generation bigint NOT NULL, owner text NOT NULL,"
            + " updated_at timestamptz NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (group_id, topic, partition))";
    /** Sorted input, so concurrent claims lock rows in one order. */
    private static final String CLAIM =
            "INSERT INTO %1$s AS p (group_id, topic, partition, next_offset, generation, owner)"
                    + " SELECT ?, v.topic, v.partition, -1, 1, ? FROM unnest(?::text[], ?::int[]) AS v(topic, partition)"
                    + " ORDER BY v.topic, v.partition"
                    + " ON CONFLICT (group_id, topic, partition) DO UPDATE"
                    + " SET generation = p.generation + 1, owner = EXCLUDED.owner, updated_at = now()"
                    + " RETURNING p.topic, p.partition, p.next_offset, p.generation";

    private static final String ADVANCE = "UPDATE %1$s AS p SET next_offset = v.next_offset, updated_at = now()"
            + " FROM unnest(?::text[], ?::int[], ?::bigint[], ?::bigint[]) AS v(topic, partition, next_offset, gen)"
            + " WHERE p.group_id = ? AND p.topic = v.topic AND p.partition = v.partition AND p.generation = v.gen"
            + " RETURNING p.topic, p.partition";
    private static final String READ = "SELECT p.topic, p.partition, p.next_offset, p.generation FROM %1$s AS p"
            + " JOIN unnest(?::text[], ?::int[]) AS v(topic, partition)"
            + " ON p.topic = v.topic AND p.partition = v.partition WHERE p.group_id = ?";
    private static final String LIST = "SELECT topic, partition, next_offset, generation, owner, updated_at::text"
            + " FROM %1$s WHERE group_id = ? ORDER BY topic, partition";
    private static final String SET = "UPDATE %1$s SET next_offset = ?, generation = generation + 1,"
            + " owner = ?, updated_at = now() WHERE group_id = ? AND topic = ? AND partition = ?";
    private static final String INSERT_SET = "INSERT INTO %1$s (group_id, topic, partition, next_offset, generation,"
            + " owner) VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (group_id, topic, partition) DO NOTHING";
    /** A claim that waits longer than this for an old owner's transaction fails and is tried again later. */
    private static final String CLAIM_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '5s'";

    /** A partition's stored state; {@code nextOffset} is -1 until a batch of it committed under this table. */
    public record Position(long nextOffset, long generation) {}

    /** One row, for operators. */
    public record Row(PartitionRef partition, long nextOffset, long generation, String owner, String updatedAt) {}

    private final DataSource dataSource;
    private final TableRef table;
    private final String groupId;

    private ProgressStore(DataSource dataSource, TableRef table, String groupId) {
        this.dataSource = dataSource;
        this.table = table;
        this.groupId = groupId;
    }

    /**
     * Opens the store, creating the table when it is missing.
     *
     * @throws SchemaException when the table is missing and cannot be created (no CREATE privilege, say)
     */
    public static ProgressStore open(DataSource dataSource, TableRef table, String groupId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute(String.format(DDL, table.quoted()));
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new SchemaException("cannot create the progress table " + table + " (permission denied): "
                        + "create it as docs/operations.md shows and grant SELECT, INSERT, UPDATE on it, or set "
                        + "delivery.guarantee=at-least-once");
            }
            throw e;
        }
        return new ProgressStore(dataSource, table, groupId);
    }

    /** The DDL of the table, for operators who create it themselves. */
    public static String ddl(TableRef table) {
        return String.format(DDL, table.quoted()) + ";";
    }

    /**
     * Takes ownership of the partitions for {@code owner}: a new generation each, committed before this returns.
     * Returns each partition's position after the claim.
     */
    public Map<PartitionRef, Position> claim(Collection<PartitionRef> partitions, String owner) throws SQLException {
        List<PartitionRef> sorted = sorted(partitions);
        Map<PartitionRef, Position> claimed = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement();
                    PreparedStatement ps = connection.prepareStatement(String.format(CLAIM, table.quoted()))) {
                statement.execute(CLAIM_LOCK_TIMEOUT);
                ps.setString(1, groupId);
                ps.setString(2, owner);
                ps.setArray(3, topics(connection, sorted));
                ps.setArray(4, partitionNumbers(connection, sorted));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.put(
                                new PartitionRef(rs.getString(1), rs.getInt(2)),
                                new Position(rs.getLong(3), rs.getLong(4)));
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        return claimed;
    }

    /**
     * Inside {@code transaction}, moves each partition's next offset on, where its generation is still the given
     * one. Returns the partitions that matched no row: claimed by another owner since, so the transaction must not
     * commit their records.
     */
    public Set<PartitionRef> advance(
            Transaction transaction, Map<PartitionRef, Long> nextOffsets, Map<PartitionRef, Long> generations)
            throws SQLException {
        List<PartitionRef> sorted = sorted(nextOffsets.keySet());
        Connection connection = transaction.connection();
        Set<PartitionRef> missing = new HashSet<>(sorted);
        try (PreparedStatement ps = connection.prepareStatement(String.format(ADVANCE, table.quoted()))) {
            ps.setArray(1, topics(connection, sorted));
            ps.setArray(2, partitionNumbers(connection, sorted));
            ps.setArray(
                    3,
                    connection.createArrayOf(
                            "bigint", sorted.stream().map(nextOffsets::get).toArray()));
            ps.setArray(
                    4,
                    connection.createArrayOf(
                            "bigint",
                            sorted.stream()
                                    .map(p -> generations.getOrDefault(p, -1L))
                                    .toArray()));
            ps.setString(5, groupId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    missing.remove(new PartitionRef(rs.getString(1), rs.getInt(2)));
                }
            }
        }
        return missing;
    }

    /** The stored positions of the partitions that have a row. */
    public Map<PartitionRef, Position> read(Collection<PartitionRef> partitions) throws SQLException {
        List<PartitionRef> sorted = sorted(partitions);
        Map<PartitionRef, Position> positions = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = connection.prepareStatement(String.format(READ, table.quoted()))) {
            ps.setArray(1, topics(connection, sorted));
            ps.setArray(2, partitionNumbers(connection, sorted));
            ps.setString(3, groupId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    positions.put(
                            new PartitionRef(rs.getString(1), rs.getInt(2)),
                            new Position(rs.getLong(3), rs.getLong(4)));
                }
            }
        }
        return positions;
    }

    /** Every row of this group, for operators. */
    public List<Row> list() throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement ps = connection.prepareStatement(String.format(LIST, table.quoted()))) {
            ps.setString(1, groupId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(
                            new PartitionRef(rs.getString(1), rs.getInt(2)),
                            rs.getLong(3),
                            rs.getLong(4),
                            rs.getString(5),
                            rs.getString(6)));
                }
            }
        }
        return rows;
    }

    /**
     * Sets the partitions' next offsets (an operator's reset), in one transaction. The generation moves on too,
     * so a worker still running on the group could not commit over the reset.
     */
    public void set(Map<PartitionRef, Long> nextOffsets, String owner) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement(String.format(SET, table.quoted()));
                    PreparedStatement insert = connection.prepareStatement(String.format(INSERT_SET, table.quoted()))) {
                for (PartitionRef p : sorted(nextOffsets.keySet())) {
                    insert.setString(1, groupId);
                    insert.setString(2, p.topic());
                    insert.setInt(3, p.partition());
                    insert.setLong(4, nextOffsets.get(p));
                    insert.setString(5, owner);
                    insert.executeUpdate();
                    update.setLong(1, nextOffsets.get(p));
                    update.setString(2, owner);
                    update.setString(3, groupId);
                    update.setString(4, p.topic());
                    update.setInt(5, p.partition());
                    update.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    public TableRef table() {
        return table;
    }

    private static List<PartitionRef> sorted(Collection<PartitionRef> partitions) {
        return partitions.stream()
                .sorted(Comparator.comparing(PartitionRef::topic).thenComparingInt(PartitionRef::partition))
                .toList();
    }

    private static Array topics(Connection connection, List<PartitionRef> partitions) throws SQLException {
        return connection.createArrayOf(
                "text", partitions.stream().map(PartitionRef::topic).toArray());
    }

    private static Array partitionNumbers(Connection connection, List<PartitionRef> partitions) throws SQLException {
        return connection.createArrayOf(
                "integer", partitions.stream().map(PartitionRef::partition).toArray());
    }
}
