package org.callvault.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.callvault.support.TestDatabases.TestDatabase;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real application on a random port, on a fresh database of the engine chosen by
 * {@code -Dcallvault.it.database} (H2 by default; .ci/run also runs MariaDB and PostgreSQL), with
 * its own recordings folder. The admin password is configured, so no forced change here; the
 * forced change has its own test. Every client of a test comes from 127.0.0.1, so the limits per
 * address and on ringing calls are raised here; the tests of those limits set their own. SIP
 * listens on a free port ({@code callvault.sip.port=0}) so contexts running at once do not collide.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "callvault.admin.password=" + IntegrationTest.ADMIN_PASSWORD, "callvault.calls.ring-timeout=3s",
        "callvault.calls.leg-grace-period=1s", "callvault.calls.dials-per-minute=1000",
        "callvault.calls.max-ringing=1000", "callvault.sockets.anonymous-per-address=1000",
        "callvault.mic-tests.per-address-per-minute=1000", "callvault.sip.port=0" })
public abstract class IntegrationTest {

    public static final String ADMIN_PASSWORD = "integration-suite-pass";

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws IOException {
        TestDatabase db = TestDatabases.create(TestDatabases.forIntegrationTests());
        Path recordings = Files.createTempDirectory("callvault-it-recordings");
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
        registry.add("callvault.recordings.dir", recordings::toString);
        Runtime.getRuntime().addShutdownHook(new Thread(db::close));
    }

    protected WebClientSession newSession() {
        return new WebClientSession(port);
    }

    /** A session signed in as a user made by {@link TestUsers}, checked to have landed on the dashboard. */
    protected WebClientSession signedInAs(String name) {
        WebClientSession session = newSession();
        String location = session.signIn(name, TestUsers.PASSWORD).headers().firstValue("Location").orElse("");
        if (!"/".equals(location)) {
            throw new IllegalStateException(name + " could not sign in: redirected to " + location);
        }
        return session;
    }

    protected WebClientSession signedInAdmin() {
        WebClientSession session = newSession();
        session.signIn("admin", ADMIN_PASSWORD);
        return session;
    }
}
