package io.pgsink;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package boundaries of docs/design.md, enforced so they cannot drift. */
class LayeringTest {

    private static final String[] DRIVERS_AND_POOLS = {"javax.sql..", "org.postgresql..", "com.zaxxer.."};
    private static final String[] STAGES = {
        "io.pgsink.batch..",
        "io.pgsink.config..",
        "io.pgsink.model..",
        "io.pgsink.schema..",
        "io.pgsink.decode..",
        "io.pgsink.pg..",
        "io.pgsink.consume..",
        "io.pgsink.write..",
        "io.pgsink.error..",
        "io.pgsink.deadletter.."
    };
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.pgsink");
    }

    @Test
    void batchingIsPureNoIoNoKafkaNoJdbc() {
        noClasses()
                .that()
                .resideInAPackage("io.pgsink.batch..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "java.sql..",
                        "javax.sql..",
                        "org.postgresql..",
                        "com.zaxxer..",
                        "org.apache.kafka..",
                        "java.io..",
                        "java.nio..",
                        "java.net..",
                        "org.slf4j..")
                .check(classes);
    }

    @Test
    void configModelAndSchemaUseTheJdkOnly() {
        noClasses()
                .that()
                .resideInAnyPackage("io.pgsink.config..", "io.pgsink.model..", "io.pgsink.schema..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("java..", "io.pgsink.config..", "io.pgsink.model..", "io.pgsink.schema..")
                .check(classes);
        noClasses()
                .that()
                .resideInAnyPackage("io.pgsink.config..", "io.pgsink.model..", "io.pgsink.schema..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "java.net..")
                .check(classes);
    }

    @Test
    void decodingTouchesNeitherJdbcNorKafka() {
        noClasses()
                .that()
                .resideInAPackage("io.pgsink.decode..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "java.sql..",
                        "javax.sql..",
                        "org.postgresql..",
                        "com.zaxxer..",
                        "org.apache.kafka..",
                        "io.pgsink.pg..",
                        "io.pgsink.write..",
                        "io.pgsink.consume..")
                .check(classes);
    }

    @Test
    void onlyThePgPackageTouchesJdbc() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.pgsink.pg..", "io.pgsink.client..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(DRIVERS_AND_POOLS)
                .check(classes);
        // The library takes the caller's DataSource and hands it to the pg package; it runs no SQL of its own.
        noClasses()
                .that()
                .resideInAPackage("io.pgsink.client..")
                .should()
                .dependOnClassesThat(resideInAnyPackage(DRIVERS_AND_POOLS).and(not(assignableTo(DataSource.class))))
                .check(classes);
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "io.pgsink.pg..", "io.pgsink.write..", "io.pgsink.error..", "io.pgsink.client..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("java.sql..")
                .check(classes);
        // The write policy catches SQLExceptions and the error package reads their SQLSTATEs; neither runs SQL.
        noClasses()
                .that()
                .resideInAnyPackage("io.pgsink.write..", "io.pgsink.error..", "io.pgsink.client..")
                .should()
                .dependOnClassesThat(resideInAPackage("java.sql..").and(not(assignableTo(SQLException.class))))
                .check(classes);
    }

    @Test
    void onlyConsumeAndDeadLetterTouchKafkaClients() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.pgsink.consume..", "io.pgsink.deadletter..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.kafka..")
                .check(classes);
    }

    @Test
    void stagesDoNotReachBackIntoTheWorkerOrTheFacade() {
        noClasses()
                .that()
                .resideInAnyPackage(STAGES)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.pgsink", "io.pgsink.worker..")
                .check(classes);
    }

    @Test
    void onlyTheFacadeStartsTheWorker() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.pgsink", "io.pgsink.worker..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.pgsink.worker..")
                .check(classes);
    }
}
