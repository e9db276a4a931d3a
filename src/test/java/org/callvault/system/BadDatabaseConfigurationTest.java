package org.callvault.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.callvault.CallVaultApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;

class BadDatabaseConfigurationTest {

    @Test
    void unreachableDatabaseIsNamedWithoutItsPassword() throws Exception {
        var recordings = Files.createTempDirectory("callvault-baddb");
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // Port 1 on loopback: nothing listens there, the connection is refused at once.
            assertThatThrownBy(() -> SpringApplication.run(CallVaultApplication.class,
                    "--server.port=0", "--callvault.sip.port=0",
                    "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/callvault?password=s3cret-value",
                    "--spring.datasource.username=callvault",
                    "--spring.datasource.hikari.connection-timeout=2000",
                    "--callvault.recordings.dir=" + recordings)).isInstanceOf(Exception.class);
        }
        finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("CallVault could not use its database at jdbc:postgresql://127.0.0.1:1/callvault?password=****")
                .contains("as user 'callvault'")
                .contains("CALLVAULT_DB_URL")
                .doesNotContain("s3cret-value");
    }

    @Test
    void passwordsInUrlsAreMasked() {
        assertThat(DatabaseConnectionFailureAnalyzer.maskPassword("jdbc:mariadb://h/db?user=a&password=x&ssl=true"))
                .isEqualTo("jdbc:mariadb://h/db?user=a&password=****&ssl=true");
    }
}
