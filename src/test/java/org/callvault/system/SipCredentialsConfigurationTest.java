package org.callvault.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** callvault.sip.credentials, realm and digest algorithms: bound as documented, refused with clear words. */
class SipCredentialsConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void noCredentialsByDefaultRealmCallvaultSha256ThenMd5() {
        runner.run(context -> {
            CallVaultProperties.Sip sip = context.getBean(CallVaultProperties.class).sip();
            assertThat(sip.credentials()).isEmpty();
            assertThat(sip.realm()).isEqualTo("callvault");
            assertThat(sip.digestAlgorithms()).containsExactly("SHA-256", "MD5");
        });
    }

    @Test
    void credentialsBindFromIndexedEnvironmentVariables() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("CALLVAULT_SIP_CREDENTIALS_0_USERNAME", "asterisk",
                                "CALLVAULT_SIP_CREDENTIALS_0_PASSWORD", "correct-horse-battery",
                                "CALLVAULT_SIP_CREDENTIALS_1_USERNAME", "trunk-b",
                                "CALLVAULT_SIP_CREDENTIALS_1_PASSWORD", "another-long-secret",
                                "CALLVAULT_SIP_REALM", "pbx.example.com"))))
                .run(context -> {
                    CallVaultProperties.Sip sip = context.getBean(CallVaultProperties.class).sip();
                    assertThat(sip.credentials()).extracting(CallVaultProperties.SipCredential::username)
                            .containsExactly("asterisk", "trunk-b");
                    assertThat(sip.credentials().get(1).password()).isEqualTo("another-long-secret");
                    assertThat(sip.credentials().toString()).doesNotContain("correct-horse-battery");
                    assertThat(sip.realm()).isEqualTo("pbx.example.com");
                });
    }

    @Test
    void aShortPasswordStopsTheStartWithoutPrintingIt() {
        runner.withPropertyValues("callvault.sip.credentials[0].username=trunk",
                "callvault.sip.credentials[0].password=short-pass1").run(context -> {
                    assertThat(context).hasFailed();
                    String failure = text(context.getStartupFailure());
                    assertThat(failure).contains("callvault.sip.credentials[0]")
                            .contains("the SIP password must be at least 12 characters long")
                            .doesNotContain("short-pass1");
                });
    }

    @Test
    void aBlankUserNameADuplicateOrAnUnknownAlgorithmStopsTheStart() {
        runner.withPropertyValues("callvault.sip.credentials[0].username= ",
                "callvault.sip.credentials[0].password=correct-horse-battery").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(text(context.getStartupFailure())).contains("credentials[0].username")
                            .doesNotContain("correct-horse-battery");
                });
        runner.withPropertyValues("callvault.sip.credentials[0].username=trunk",
                "callvault.sip.credentials[0].password=correct-horse-battery",
                "callvault.sip.credentials[1].username=trunk",
                "callvault.sip.credentials[1].password=another-long-secret").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(text(context.getStartupFailure())).contains("each user name may appear once")
                            .doesNotContain("correct-horse-battery").doesNotContain("another-long-secret");
                });
        runner.withPropertyValues("callvault.sip.digest-algorithms=SHA-512,MD5").run(context -> {
            assertThat(context).hasFailed();
            assertThat(text(context.getStartupFailure())).contains("must be SHA-256 or MD5");
        });
        runner.withPropertyValues("callvault.sip.realm=call\"vault").run(context -> assertThat(context).hasFailed());
    }

    private static String text(Throwable failure) {
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    @EnableConfigurationProperties(CallVaultProperties.class)
    static class Config {
    }
}
