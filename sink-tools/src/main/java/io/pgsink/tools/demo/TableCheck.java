package io.pgsink.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Compares the demo table, row by row and value by value, with the good events that were published. */
final class TableCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TableCheck() {}

    /** The differences found, at most a few; empty when the table holds exactly the published events. */
    static List<String> differences(Connection connection, List<DemoEvents.Event> published) throws SQLException {
        Map<String, JsonNode> expected = new HashMap<>();
        published.stream()
                .filter(e -> !e.bad())
                .forEach(e -> expected.put(e.json().get("id").asText(), e.json()));
        List<String> problems = new ArrayList<>();
        int rows = 0;
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, customer_id, kind, amount, currency, tags, attributes,"
                        + " occurred_at FROM demo_events")) {
            while (rs.next() && problems.size() < 5) {
                rows++;
                JsonNode e = expected.get(rs.getString(1));
                if (e == null) {
                    problems.add("row " + rs.getString(1) + " was never published");
                } else if (!matches(rs, e)) {
                    problems.add("row " + rs.getString(1) + " differs from its event");
                }
            }
        }
        if (rows != expected.size()) {
            problems.add("table has " + rows + " rows, " + expected.size() + " good events were published");
        }
        return problems;
    }

    private static boolean matches(ResultSet rs, JsonNode e) throws SQLException {
        Array tags = rs.getArray(6);
        List<String> expectedTags = new ArrayList<>();
        e.get("tags").forEach(t -> expectedTags.add(t.asText()));
        try {
            return rs.getLong(2) == e.get("customer_id").asLong()
                    && rs.getString(3).equals(e.get("kind").asText())
                    && rs.getBigDecimal(4)
                                    .compareTo(new BigDecimal(e.get("amount").asText()))
                            == 0
                    && rs.getString(5).equals(e.get("currency").asText())
                    && Arrays.asList((String[]) tags.getArray()).equals(expectedTags)
                    && JSON.readTree(rs.getString(7)).equals(e.get("attributes"))
                    && rs.getObject(8, OffsetDateTime.class)
                            .toInstant()
                            .equals(Instant.parse(e.get("occurred_at").asText()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            return false;
        }
    }
}
