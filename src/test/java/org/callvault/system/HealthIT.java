package org.callvault.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.callvault.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class HealthIT extends IntegrationTest {

    @Test
    void anonymousSeesOnlyTheOverallStatus() {
        var response = newSession().get("/actuator/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"UP\"").doesNotContain("diskSpace");
    }

    @Test
    void adminSeesDatabaseAndRecordingsDiskIndicators() {
        var response = signedInAdmin().get("/actuator/health");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = new ObjectMapper().readTree(response.body());
        assertThat(health.at("/components/db/status").toString()).isEqualTo("\"UP\"");
        assertThat(health.at("/components/diskSpace/status").toString()).isEqualTo("\"UP\"");
        // The disk indicator watches the recordings folder, not the working directory.
        assertThat(health.at("/components/diskSpace/details/path").toString()).contains("callvault-it-recordings");
    }
}
