package io.pgsink.tools.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.UUID;

/**
 * The ETL example's transform: one CSV line of trips.csv to the JSON value published for it, with typed fields, or
 * the reason the line is malformed. Local times become instants with the city's offset; the duration is derived;
 * decimals stay exact; extras must be a JSON object. Dropping rider_note and renaming member_type is left to the
 * worker's mapping, to show it.
 */
final class TripTransform {

    static final List<String> HEADER = List.of(
            "trip_id",
            "started_at",
            "ended_at",
            "start_station",
            "end_station",
            "bike_type",
            "member_type",
            "distance_km",
            "fare_eur",
            "extras",
            "rider_note");
    /** The city the bike-share system runs in: its local times are read in this zone. */
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    private static final DateTimeFormatter LOCAL =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

    private final ObjectMapper mapper = new ObjectMapper();

    /** A line's outcome: a key and value to publish, or the reason it was rejected. */
    record Result(String key, String value, String rejection) {
        boolean rejected() {
            return rejection != null;
        }
    }

    Result apply(String line) {
        try {
            List<String> f = CsvLine.split(line);
            if (f.size() != HEADER.size()) {
                return rejected("expected " + HEADER.size() + " fields, found " + f.size());
            }
            ObjectNode trip = mapper.createObjectNode();
            String id = uuid(f.get(0));
            trip.put("tripId", id);
            OffsetDateTime started = time("started_at", f.get(1));
            OffsetDateTime ended = time("ended_at", f.get(2));
            trip.put("startedAt", started.toString());
            trip.put("endedAt", ended.toString());
            trip.put("durationS", Duration.between(started, ended).toSeconds());
            trip.put("startStation", f.get(3));
            trip.put("endStation", f.get(4));
            trip.put("bikeType", f.get(5));
            trip.put("memberType", f.get(6));
            trip.put("distanceKm", decimal("distance_km", f.get(7)));
            trip.put("fareEur", decimal("fare_eur", f.get(8)));
            trip.set("extras", object("extras", f.get(9)));
            trip.put("riderNote", f.get(10));
            return new Result(id, mapper.writeValueAsString(trip), null);
        } catch (IllegalArgumentException | JsonProcessingException e) {
            return rejected(e.getMessage());
        }
    }

    private static Result rejected(String reason) {
        return new Result(null, null, reason);
    }

    private static String uuid(String text) {
        try {
            // UUID.fromString accepts short groups ("1-2-3-4-5"); only the canonical 36 characters are a trip id.
            if (text.length() == 36) {
                return UUID.fromString(text).toString();
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("trip_id is not a UUID");
    }

    private static OffsetDateTime time(String field, String text) {
        try {
            return LocalDateTime.parse(text, LOCAL).atZone(ZONE).toOffsetDateTime();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " is not a valid yyyy-MM-dd HH:mm:ss time", e);
        }
    }

    private static BigDecimal decimal(String field, String text) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " is not a decimal number", e);
        }
    }

    private JsonNode object(String field, String text) {
        try {
            JsonNode node = mapper.readTree(text);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new IllegalArgumentException(field + " is not a JSON object");
    }
}
