package io.pgsink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package boundaries of docs/design.md, enforced so they cannot drift. */
class LayeringTest {

    private static final String[] JDBC = {"java.sql..", "javax.sql..", "org.postgresql..", "com.zaxxer.."};
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.pgsink");
    }

    @Test
    void batchingIsPureNoIoNoKafkaNoJdbc() {
        noClasses().that().resideInAPackage("io.pgsink.batch..")
            .should().dependOnClassesThat().resideInAnyPackage(
                "java.sql..", "javax.sql..", "org.postgresql..", "com.zaxxer..", "org.apache.kafka..", "java.io..",
                "java.nio..", "java.net..", "org.slf4j..")
            .check(classes);
    }

    @Test
    void configAndModelUseTheJdkOnly() {
        noClasses().that().resideInAnyPackage("io.pgsink.config..", "io.pgsink.model..")
            .should().dependOnClassesThat().resideOutsideOfPackages("java..", "io.pgsink.config..",
                "io.pgsink.model..")
            .check(classes);
    }

    @Test
    void onlyTheWritePackageTouchesJdbc() {
        // The error package reads SQLSTATEs off java.sql exceptions to classify them, and touches nothing else.
        noClasses().that().resideOutsideOfPackages("io.pgsink.write..", "io.pgsink.error..")
            .should().dependOnClassesThat().resideInAnyPackage(JDBC)
            .check(classes);
        noClasses().that().resideInAPackage("io.pgsink.error..")
            .should().dependOnClassesThat().resideInAnyPackage("javax.sql..", "org.postgresql..", "com.zaxxer..")
            .check(classes);
    }

    @Test
    void onlyConsumeAndDeadLetterTouchKafkaClients() {
        noClasses().that().resideOutsideOfPackages("io.pgsink.consume..", "io.pgsink.deadletter..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
            .check(classes);
    }

    @Test
    void stagesDoNotReachBackIntoTheFacade() {
        noClasses().that().resideInAnyPackage("io.pgsink.batch..", "io.pgsink.config..", "io.pgsink.model..",
                "io.pgsink.consume..", "io.pgsink.write..", "io.pgsink.error..", "io.pgsink.deadletter..")
            .should().dependOnClassesThat().resideInAPackage("io.pgsink")
            .check(classes);
    }
}
