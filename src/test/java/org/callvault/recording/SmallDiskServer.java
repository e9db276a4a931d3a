package org.callvault.recording;

import java.nio.file.Path;

import io.micrometer.core.instrument.MeterRegistry;

import org.callvault.support.IntegrationTest;
import org.callvault.support.TestDatabases;
import org.callvault.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The server of the full-disk tests: its recordings folder on a {@link SmallDisk} (a 20 MB tmpfs)
 * with a 4 MB floor, its own database. A test class adds its recording format.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "callvault.admin.password=" + IntegrationTest.ADMIN_PASSWORD, "callvault.calls.dials-per-minute=1000",
        "callvault.recordings.min-free-space=4MB", "callvault.sip.port=0" })
@DirtiesContext
abstract class SmallDiskServer {

    static Path mountPoint;

    @LocalServerPort
    int port;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void smallDisk(DynamicPropertyRegistry registry) throws Exception {
        TestDatabase db = TestDatabases.create(TestDatabases.forIntegrationTests());
        Path mount = SmallDisk.mount(); // captured: the suppliers below must not see another class's disk
        mountPoint = mount;
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
        registry.add("callvault.recordings.dir", () -> mount.resolve("recordings").toString());
        Runtime.getRuntime().addShutdownHook(new Thread(db::close));
    }

    @AfterAll
    static void unmount() throws Exception {
        SmallDisk.unmount(mountPoint);
    }
}
