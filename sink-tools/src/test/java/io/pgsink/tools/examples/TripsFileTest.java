package io.pgsink.tools.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsink.testing.SourceTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ETL example's input is what its README says it is: the output of examples/etl/GenerateTrips.java, run with
 * Java alone, byte for byte, and its lines are what the example's summary counts.
 */
class TripsFileTest {

    @Test
    void theCheckedInFileIsTheGeneratorsOutput() throws Exception {
        Path generator = SourceTree.path("examples/etl/GenerateTrips.java");
        Process java = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), generator.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] generated = java.getInputStream().readAllBytes();
        assertThat(java.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(java.exitValue()).isZero();

        assertThat(new String(generated, StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(SourceTree.path("examples/etl/trips.csv"), StandardCharsets.UTF_8));
    }

    @Test
    void theFileHoldsThreeThousandGoodTripsFiveMalformedLinesAndThreeTheTableRefuses() throws Exception {
        List<String> lines = Files.readAllLines(SourceTree.path("examples/etl/trips.csv"), StandardCharsets.UTF_8);
        TripTransform transform = new TripTransform();

        long rejected = lines.stream()
                .skip(1)
                .filter(l -> transform.apply(l).rejected())
                .count();

        assertThat(lines).hasSize(1 + 3_008);
        assertThat(rejected).isEqualTo(5);
    }
}
