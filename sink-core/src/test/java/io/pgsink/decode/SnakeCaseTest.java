package io.pgsink.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnakeCaseTest {

    @ParameterizedTest
    @CsvSource({
        "orderId, order_id",
        "OrderId, order_id",
        "HTTPStatus, http_status",
        "parseURLFast, parse_url_fast",
        "userID, user_id",
        "ABC, abc",
        "id, id",
        "line1, line1",
        "line2Total, line2_total",
        "already_snake, already_snake",
        "order_Id, order_id",
        "_private, _private",
        "__Meta, __meta",
        "x, x",
        "X, x",
        "aB, a_b",
        "\u00c4pfelBirne, \u00e4pfel_birne"
    })
    void convertsCamelAndPascalCaseToSnakeCase(String field, String column) {
        assertThat(SnakeCase.of(field)).isEqualTo(column);
    }

    @ParameterizedTest
    @CsvSource({"order_id", "http_status", "a1_b2"})
    void aSnakeCaseNameIsItsOwnResult(String name) {
        assertThat(SnakeCase.of(name)).isSameAs(name);
    }
}
