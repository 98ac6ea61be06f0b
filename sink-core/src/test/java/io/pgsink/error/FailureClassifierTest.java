package io.pgsink.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureClassifierTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "08000, TRANSIENT",
        "08003, TRANSIENT",
        "08006, TRANSIENT",
        "08001, TRANSIENT",
        "08P01, TRANSIENT",
        "40001, TRANSIENT",
        "40P01, TRANSIENT",
        "53000, TRANSIENT",
        "53100, TRANSIENT",
        "53200, TRANSIENT",
        "53300, TRANSIENT",
        "57P01, TRANSIENT",
        "57P02, TRANSIENT",
        "57P03, TRANSIENT",
        "57014, TRANSIENT",
        "55P03, TRANSIENT",
        "25006, TRANSIENT",
        "22001, POISON",
        "22003, POISON",
        "22007, POISON",
        "22P02, POISON",
        "22021, POISON",
        "22008, POISON",
        "23502, POISON",
        "23505, POISON",
        "23514, POISON",
        "23503, POISON",
        "23P01, POISON",
        "21000, POISON",
        "54000, POISON",
        "P0001, POISON",
        "42703, FATAL",
        "42P01, FATAL",
        "42501, FATAL",
        "42P10, FATAL",
        "42601, FATAL",
        "28000, FATAL",
        "28P01, FATAL",
        "XX000, FATAL",
        "XX001, FATAL",
        "XX002, FATAL",
        "25P02, FATAL",
        "0A000, FATAL",
        "57000, FATAL",
        "99999, FATAL"
    })
    void mapsSqlStateToKind(String state, FailureKind kind) {
        assertThat(FailureClassifier.classify(state)).isEqualTo(kind);
        assertThat(FailureClassifier.classify(new SQLException("x", state))).isEqualTo(kind);
    }

    @Test
    void findsTheRealCauseBehindABatchUpdateException() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 3 was aborted", null, 0, new int[0]);
        batch.setNextException(new SQLException("null value in column", "23502"));

        assertThat(FailureClassifier.sqlState(batch)).isEqualTo("23502");
        assertThat(FailureClassifier.classify(batch)).isEqualTo(FailureKind.POISON);
    }

    @Test
    void walksTheCauseChain() {
        RuntimeException wrapped = new RuntimeException(new SQLException("terminating connection", "57P01"));

        assertThat(FailureClassifier.classify(wrapped)).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void poolTimeoutWithoutSqlStateIsTransient() {
        assertThat(FailureClassifier.classify(new SQLTransientConnectionException(
                        "pgsink - Connection is not" + " available, request timed out after 30000ms.")))
                .isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void poolTimeoutIsTransientWhateverTheServerSaidExceptBadCredentials() {
        SQLException refused = new SQLException("database \"x\" is not currently accepting connections", "55000");
        assertThat(FailureClassifier.classify(new SQLTransientConnectionException("timed out", "08001", refused)))
                .isEqualTo(FailureKind.TRANSIENT);
        SQLException badPassword = new SQLException("password authentication failed", "28P01");
        assertThat(FailureClassifier.classify(new SQLTransientConnectionException("timed out", null, badPassword)))
                .isEqualTo(FailureKind.FATAL);
    }

    @Test
    void unknownFailuresAreFatal() {
        assertThat(FailureClassifier.classify(new IllegalStateException("boom")))
                .isEqualTo(FailureKind.FATAL);
    }

    @Test
    void anOperatorOverrideClassesItsSqlStateAndLeavesTheRestAlone() {
        FailureClassifier classifier =
                FailureClassifier.withOverrides(Map.of("23503", "transient", "P0001", "fatal", "42703", "poison"));

        assertThat(classifier.kindOf(new SQLException("fk", "23503"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(classifier.kindOf(new SQLException("raise", "P0001"))).isEqualTo(FailureKind.FATAL);
        assertThat(classifier.kindOf("42703")).isEqualTo(FailureKind.POISON);
        assertThat(classifier.kindOf(new SQLException("check", "23514"))).isEqualTo(FailureKind.POISON);
        assertThat(classifier.kindOf(new SQLException("gone", "08006"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureClassifier.defaults().kindOf("23503")).isEqualTo(FailureKind.POISON);
    }

    @Test
    void anOverrideAppliesToTheSqlStateBehindABatchUpdateException() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 3 was aborted", null, 0, new int[0]);
        batch.setNextException(new SQLException("raise", "P0001"));

        assertThat(FailureClassifier.withOverrides(Map.of("P0001", "FATAL")).kindOf(batch))
                .isEqualTo(FailureKind.FATAL);
    }

    @Test
    void aMalformedOverrideIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> FailureClassifier.withOverrides(Map.of("2350", "poison")))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> FailureClassifier.withOverrides(Map.of("23503", "maybe")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
