package org.callvault;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the package arrows of docs/ARCHITECTURE.md honest. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.callvault");

    @Test
    void mediaDependsOnNothingElseOfTheApp() {
        noClasses().that().resideInAPackage("org.callvault.media..")
                .should().dependOnClassesThat().resideInAnyPackage("org.callvault.recording..", "org.callvault.call..",
                        "org.callvault.transport..", "org.callvault.user..", "org.callvault.security..",
                        "org.callvault.web..", "org.callvault.dashboard..", "org.callvault.system..")
                .allowEmptyShould(true)
                .check(CLASSES);
    }

    @Test
    void mediaKnowsNothingOfTheWebOrNetty() {
        noClasses().that().resideInAPackage("org.callvault.media..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "reactor..", "io.netty..")
                .check(CLASSES);
    }

    @Test
    void sipRtpUsesNothingOfTheAppButMedia() {
        // Hand-written RTP stays a small pure-Java core: no Spring, no Netty, no other feature.
        noClasses().that().resideInAPackage("org.callvault.transport.sip.rtp..")
                .should().dependOnClassesThat().resideInAnyPackage("org.callvault.recording..", "org.callvault.call..",
                        "org.callvault.transport.ws..", "org.callvault.user..", "org.callvault.security..",
                        "org.callvault.web..", "org.callvault.dashboard..", "org.callvault.system..",
                        "org.callvault.database..", "org.callvault.library..", "org.callvault.audit..",
                        "org.callvault.tools..", "org.springframework..", "reactor..", "io.netty..")
                .check(CLASSES);
    }

    @Test
    void recordingKnowsNothingOfCallsOrTransports() {
        // A SIP leg must plug into the same bridge and recorder as a WebSocket leg.
        noClasses().that().resideInAPackage("org.callvault.recording..")
                .should().dependOnClassesThat().resideInAnyPackage("org.callvault.transport..", "org.callvault.call..",
                        "reactor.netty..", "io.netty..")
                .check(CLASSES);
    }

    @Test
    void callDoesNotDependOnTransports() {
        noClasses().that().resideInAPackage("org.callvault.call..")
                .should().dependOnClassesThat().resideInAPackage("org.callvault.transport..")
                .allowEmptyShould(true)
                .check(CLASSES);
    }

    @Test
    void userAndAuditDoNotReachUpIntoFeatures() {
        noClasses().that().resideInAnyPackage("org.callvault.user..", "org.callvault.audit..")
                .should().dependOnClassesThat().resideInAnyPackage("org.callvault.security..", "org.callvault.call..",
                        "org.callvault.transport..", "org.callvault.recording..", "org.callvault.web..")
                .check(CLASSES);
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.callvault.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
