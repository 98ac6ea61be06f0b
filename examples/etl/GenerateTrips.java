import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Writes trips.csv, the ETL example's input, to standard output: 3,000 bike-share trips in a made-up city, the
 * same every time (a fixed seed, no clock, no network), plus eight defective lines (five malformed, three that the table refuses) placed at fixed positions.
 * Run it from the repository root with Java 17 alone:
 *
 * <pre>java examples/etl/GenerateTrips.java &gt; examples/etl/trips.csv</pre>
 */
public class GenerateTrips {

    static final int TRIPS = 3_000;
    static final String HEADER = "trip_id,started_at,ended_at,start_station,end_station,bike_type,member_type,"
            + "distance_km,fare_eur,extras,rider_note";
    static final String[] STATIONS = {
        "Central Station", "Harbour Front", "Old Town Square", "University, North Gate", "Riverside Park",
        "Market Hall", "Museum Island", "Tech Campus", "Stadium East", "Botanic Garden", "City Hall",
        "Ferry Terminal", "Hospital, Main Entrance", "Library", "Canal Street", "Südbahnhof"
    };
    static final String[] BIKES = {"classic", "classic", "classic", "electric", "electric", "cargo"};
    static final String[] NOTES = {"", "", "", "", "seat was loose", "bell missing", "\"great ride\"", "rain"};
    static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public static void main(String[] args) {
        Random random = new Random(20_260_501L);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TRIPS; i++) {
            lines.add(trip(i, random));
        }
        // Defects, each made from a trip of its own (TRIPS + n), inserted from the end so that each lands at the
        // list index given: five malformed lines the reader rejects, three rows the table refuses.
        lines.add(2900, trip(TRIPS, random).replaceFirst(",[0-9]+\\.[0-9]{2},\"", ",-4.50,\"")); // CHECK fare >= 0
        lines.add(2500, lines.get(40)); // the same trip again: the table's primary key refuses it
        lines.add(2100, swapTimes(trip(TRIPS + 1, random))); // ended before it started: a CHECK refuses it
        lines.add(1700, trip(TRIPS + 2, random).replaceFirst("\"\\{\"\"helmet\"\":(true|false)", "\"{\"\"helmet\"\":tru"));
        lines.add(1300, trip(TRIPS + 3, random).replaceFirst(",([0-9]+\\.[0-9]{2}),\"", ",EUR $1,\"")); // no decimal
        lines.add(900, "not-a-uuid" + trip(TRIPS + 4, random).substring(36)); // not a uuid
        lines.add(500, trip(TRIPS + 5, random).replaceFirst("2026-05-([0-9]{2})", "2026-05-32")); // no such date
        String cut = trip(TRIPS + 6, random);
        lines.add(100, cut.substring(0, cut.indexOf(",", 60))); // cut short: too few fields
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        lines.forEach(l -> out.append(l).append('\n'));
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        System.out.write(bytes, 0, bytes.length);
        System.out.flush();
    }

    static String trip(int i, Random random) {
        UUID id = UUID.nameUUIDFromBytes(("trip-" + i).getBytes(StandardCharsets.UTF_8));
        LocalDateTime start = LocalDateTime.of(2026, 5, 1, 6, 0).plusSeconds(i * 880L + random.nextInt(600));
        int minutes = 3 + random.nextInt(55);
        LocalDateTime end = start.plusMinutes(minutes).plusSeconds(random.nextInt(60));
        String bike = BIKES[random.nextInt(BIKES.length)];
        boolean member = random.nextInt(3) > 0;
        BigDecimal km = BigDecimal.valueOf(minutes * (180 + random.nextInt(120)), 3).setScale(2, RoundingMode.HALF_UP);
        return String.join(",",
                id.toString(),
                LOCAL.format(start),
                LOCAL.format(end),
                csv(STATIONS[random.nextInt(STATIONS.length)]),
                csv(STATIONS[random.nextInt(STATIONS.length)]),
                bike,
                member ? "member" : "casual",
                km.toPlainString(),
                fare(minutes, bike, member).toPlainString(),
                csv(extras(random)),
                csv(NOTES[random.nextInt(NOTES.length)]));
    }

    /** Casual riders pay 1.00 to unlock and 0.20 a minute; members ride 30 minutes free; e-bikes cost 0.10 more. */
    static BigDecimal fare(int minutes, String bike, boolean member) {
        BigDecimal perMinute = new BigDecimal(bike.equals("classic") ? "0.20" : "0.30");
        BigDecimal unlock = member ? BigDecimal.ZERO : BigDecimal.ONE;
        int paid = member ? Math.max(0, minutes - 30) : minutes;
        return unlock.add(perMinute.multiply(BigDecimal.valueOf(paid))).setScale(2, RoundingMode.UNNECESSARY);
    }

    static String extras(Random random) {
        String helmet = random.nextBoolean() ? "true" : "false";
        return random.nextInt(4) == 0
                ? "{\"helmet\":" + helmet + ",\"promo\":\"SPRING26\"}"
                : "{\"helmet\":" + helmet + "}";
    }

    /** Quotes a field as CSV does (RFC 4180) when it holds a comma or a quote. */
    static String csv(String field) {
        return field.contains(",") || field.contains("\"") ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
    }

    static String swapTimes(String line) {
        String[] parts = line.split(",", 4);
        return parts[0] + "," + parts[2] + "," + parts[1] + "," + parts[3];
    }
}
