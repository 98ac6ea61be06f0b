package io.pgsink.tools.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ETL example's extract and transform, line by line, without Kafka or PostgreSQL. */
class TripTransformTest {

    private static final String GOOD = "ad38973b-0078-3839-b543-c672c53b847a,2026-05-01 06:09:14,2026-05-01 06:14:30,"
            + "\"University, North Gate\",Market Hall,electric,member,0.94,0.00,"
            + "\"{\"\"helmet\"\":false,\"\"promo\"\":\"\"SPRING26\"\"}\",\"\"\"great ride\"\"\"";

    private final TripTransform transform = new TripTransform();

    @Test
    void quotedFieldsKeepTheirCommasAndDoubledQuotes() {
        assertThat(CsvLine.split("a,\"b, c\",\"say \"\"hi\"\"\",,\"\""))
                .containsExactly("a", "b, c", "say \"hi\"", "", "");
    }

    @Test
    void anUnclosedQuoteOrTextAfterAClosingQuoteIsMalformed() {
        assertThatThrownBy(() -> CsvLine.split("a,\"b")).hasMessage("a quoted field is not closed");
        assertThatThrownBy(() -> CsvLine.split("a,\"b\"c,d")).hasMessageContaining("text after a closing quote");
    }

    @Test
    void aGoodLineBecomesTypedJsonWithLocalTimesAsInstantsAndTheDurationDerived() throws Exception {
        TripTransform.Result result = transform.apply(GOOD);

        assertThat(result.rejected()).isFalse();
        assertThat(result.key()).isEqualTo("ad38973b-0078-3839-b543-c672c53b847a");
        JsonNode trip = new ObjectMapper().readTree(result.value());
        // Berlin is two hours ahead of UTC in May (summer time).
        assertThat(trip.get("startedAt").asText()).isEqualTo("2026-05-01T06:09:14+02:00");
        assertThat(trip.get("durationS").asLong()).isEqualTo(316);
        assertThat(trip.get("startStation").asText()).isEqualTo("University, North Gate");
        assertThat(trip.get("fareEur").decimalValue()).isEqualByComparingTo("0.00");
        // The decimal is published as written, scale included, not as a double.
        assertThat(result.value()).contains("\"distanceKm\":0.94,\"fareEur\":0.00,");
        assertThat(trip.get("extras").get("promo").asText()).isEqualTo("SPRING26");
        assertThat(trip.get("riderNote").asText()).isEqualTo("\"great ride\"");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                ",\"\"\"great ride\"\"\"||expected 11 fields, found 10",
                "ad38973b-0078-3839-b543-c672c53b847a|not-a-uuid|trip_id is not a UUID",
                "ad38973b-0078-3839-b543-c672c53b847a|1-2-3-4-5|trip_id is not a UUID",
                "2026-05-01 06:09:14|2026-05-32 06:09:14|started_at is not a valid yyyy-MM-dd HH:mm:ss time",
                ",0.00,|,EUR 0.00,|fare_eur is not a decimal number",
                ":false,|:fals,|extras is not a JSON object",
                "\"{\"\"helmet\"\":false,\"\"promo\"\":\"\"SPRING26\"\"}\"|\"[1]\"|extras is not a JSON object",
                "\"\"\"great ride\"\"\"|\"\"\"great ride|a quoted field is not closed"
            })
    void aMalformedLineIsRejectedNamingTheFieldAndTheReason(String good, String bad, String reason) {
        String line = GOOD.replace(good, bad == null ? "" : bad);
        assertThat(line).isNotEqualTo(GOOD);

        TripTransform.Result result = transform.apply(line);

        assertThat(result.rejected()).isTrue();
        assertThat(result.rejection()).isEqualTo(reason);
    }
}
