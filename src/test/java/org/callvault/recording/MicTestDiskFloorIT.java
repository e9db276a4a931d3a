package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;

import org.callvault.support.IntegrationTest;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;

/**
 * Microphone tests never take the space calls need: below the free-space floor (here set above any
 * real disk) an upload is refused with 507 and nothing is written.
 */
@TestPropertySource(properties = "callvault.mic-tests.min-free-disk=1000000TB")
class MicTestDiskFloorIT extends IntegrationTest {

    @Autowired
    RecordingStore store;

    @Test
    void belowTheFloorAnUploadIsRefusedWith507AndNothingIsWritten() throws Exception {
        WebClientSession phone = newSession();
        phone.get("/login");
        var response = MicTestLimitsIT.upload(phone);
        assertThat(response.statusCode()).isEqualTo(507);
        JsonNode body = MicTestLimitsIT.JSON.readTree(response.body());
        assertThat(body.path("error").asString()).isEqualTo("insufficient_storage");
        assertThat(body.path("message").asString()).contains("MB free");
        assertThat(!Files.isDirectory(store.micTestsDir()) || Files.list(store.micTestsDir()).findAny().isEmpty())
                .as("no test file written").isTrue();
    }
}
