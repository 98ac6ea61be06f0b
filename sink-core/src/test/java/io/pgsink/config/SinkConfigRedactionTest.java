package io.pgsink.config;

import static io.pgsink.config.SinkConfigTest.minimalWith;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SinkConfigRedactionTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "jdbc:postgresql://h/db                                | jdbc:postgresql://h/db",
                "jdbc:postgresql://h/db?user=u&password=secret         | jdbc:postgresql://h/db?user=u&password=***",
                "jdbc:postgresql://h/db?password=secret&ssl=true       | jdbc:postgresql://h/db?password=***&ssl=true",
                "jdbc:postgresql://h/db?sslpassword=secret             | jdbc:postgresql://h/db?sslpassword=***",
                "jdbc:postgresql://h/db?PASSWORD=secret                | jdbc:postgresql://h/db?PASSWORD=***",
                "jdbc:postgresql://u:secret@h/db                       | jdbc:postgresql://u:***@h/db",
                "jdbc:postgresql://u:sec@ret@h:5432/db                 | jdbc:postgresql://u:***@h:5432/db",
                "jdbc:postgresql://h1:5432,h2:5432/db?user=u@corp      | jdbc:postgresql://h1:5432,h2:5432/db?user=u@corp",
            })
    void redactedPostgresUrlMasksEveryPassword(String url, String redacted) {
        SinkConfig config = SinkConfig.parse(minimalWith("postgres.url", url));

        assertThat(config.redactedPostgresUrl()).isEqualTo(redacted);
        assertThat(config.toString()).contains("postgresUrl=" + redacted).doesNotContain("secret", "ret@");
    }

    @ParameterizedTest
    @CsvSource({
        "jdbc:postgresql://h/db?user=u&password=secret",
        "jdbc:postgresql://u:secret@h/db",
    })
    void toStringNeverContainsAPassword(String url) {
        SinkConfig config = SinkConfig.parse(minimalWith(
                "postgres.url",
                url,
                "postgres.password",
                "secret",
                "kafka.consumer.sasl.jaas.config",
                "PlainLoginModule required password=\"secret\";",
                "kafka.consumer.ssl.key.password",
                "secret",
                "postgres.pool.dataSource.password",
                "secret",
                "kafka.consumer.max.poll.records",
                "500"));

        assertThat(config.toString())
                .doesNotContain("secret")
                .contains(
                        "postgresPassword=***",
                        "sasl.jaas.config=***",
                        "ssl.key.password=***",
                        "dataSource.password=***",
                        "max.poll.records=500");
    }
}
