package io.pgsink.config;

import static io.pgsink.config.SinkConfigTest.minimalWith;
import static io.pgsink.config.SinkConfigTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorSettingsTest {

    @Test
    void defaultsRetryForeignKeysBrieflyAndStopAfterTwentyDriftRejections() {
        ErrorSettings errors = SinkConfig.parse(minimalWith()).errors();

        assertThat(errors.sqlStateOverrides()).isEmpty();
        assertThat(errors.foreignKeyRetry()).isEqualTo(Duration.ofSeconds(5));
        assertThat(errors.driftConsecutiveRejections()).isEqualTo(20);
        assertThat(errors).isEqualTo(ErrorSettings.defaults());
    }

    @Test
    void sqlStateOverridesAreReadByCode() {
        ErrorSettings errors = SinkConfig.parse(minimalWith(
                        "error.sqlstate.23503", "transient",
                        "error.sqlstate.P0004", " Poison ",
                        "error.foreign.key.retry.ms", "0",
                        "error.drift.consecutive.rejections", "0"))
                .errors();

        assertThat(errors.sqlStateOverrides()).isEqualTo(Map.of("23503", "transient", "P0004", "poison"));
        assertThat(errors.foreignKeyRetry()).isZero();
        assertThat(errors.driftConsecutiveRejections()).isZero();
    }

    @Test
    void everyMalformedOverrideIsNamedWithHowToFixIt() {
        assertThat(problemsOf(minimalWith(
                        "error.sqlstate.2350", "poison",
                        "error.sqlstate.p0001", "fatal",
                        "error.sqlstate.23505", "sometimes",
                        "error.sqlstate.", "poison",
                        "error.drift.consecutive.rejections", "-1")))
                .containsExactlyInAnyOrder(
                        "error.drift.consecutive.rejections: \"-1\" is out of range; set a whole number between 0 and"
                                + " 1000000",
                        "error.sqlstate.: \"\" is not a SQLSTATE; name a five-character code of digits and upper-case"
                                + " letters, e.g. error.sqlstate.23503=transient",
                        "error.sqlstate.2350: \"2350\" is not a SQLSTATE; name a five-character code of digits and"
                                + " upper-case letters, e.g. error.sqlstate.23503=transient",
                        "error.sqlstate.p0001: \"p0001\" is not a SQLSTATE; name a five-character code of digits and"
                                + " upper-case letters, e.g. error.sqlstate.23503=transient",
                        "error.sqlstate.23505: \"sometimes\" is not a failure class; set one of transient, poison,"
                                + " fatal");
    }

    @Test
    void anOverrideCanComeFromTheEnvironment() {
        Map<String, String> merged =
                SinkConfig.withEnvironment(minimalWith(), Map.of("PGSINK_ERROR_SQLSTATE_P0004", "poison"));

        assertThat(SinkConfig.parse(merged).errors().sqlStateOverrides()).containsEntry("P0004", "poison");
    }
}
