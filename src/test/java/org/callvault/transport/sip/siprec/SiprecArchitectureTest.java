package org.callvault.transport.sip.siprec;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The SIPREC parsers are pure functions of Strings and bytes: nothing of the app, no Spring, no
 * JAIN-SIP, so the dispatcher can call them and tests can feed them anything. (Kept here rather
 * than in ArchitectureTest so it merges without touching a shared file.)
 */
class SiprecArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.callvault");

    @Test
    void siprecParsingDependsOnTheJdkOnly() {
        noClasses().that().resideInAPackage("org.callvault.transport.sip.siprec..")
                .should().dependOnClassesThat().resideOutsideOfPackages("org.callvault.transport.sip.siprec..",
                        "java..", "javax.xml..")
                .check(CLASSES);
    }
}
