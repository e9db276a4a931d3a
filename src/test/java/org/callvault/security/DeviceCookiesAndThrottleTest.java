package org.callvault.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.callvault.support.MovableClock;
import org.callvault.system.CallVaultProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The device cookie's signature rules and the throttle's budgets, with a clock the test moves. */
class DeviceCookiesAndThrottleTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final CallVaultProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "callvault.security.max-failures-per-account", "3", "callvault.security.max-failures-per-address", "5",
            "callvault.security.max-failures-per-device", "2", "callvault.security.failure-window", "15m",
            "callvault.security.device-cookie-lifetime", "30d")))
            .bindOrCreate("callvault", CallVaultProperties.class);

    @Test
    void aCookieIsValidOnlyForItsUserUnalteredUnexpiredAndSurvivesARestart() {
        JdbcClient jdbc = database();
        DeviceCookies cookies = new DeviceCookies(jdbc, clock, properties);
        String value = cookies.issue("Maria.K", false).getValue();

        assertThat(cookies.verify(value, "maria.k")).isPresent();
        assertThat(cookies.verify(value, "admin")).isEmpty();
        assertThat(cookies.verify(value.substring(0, value.length() - 2) + "xx", "maria.k")).isEmpty();
        assertThat(cookies.verify("bWFyaWEuaw.AAAA.9999999999.forged", "maria.k")).isEmpty();
        // The key lives in the database: a restarted server still knows the browser.
        assertThat(new DeviceCookies(jdbc, clock, properties).verify(value, "maria.k")).isPresent();
        // ...but another server's key does not sign for this one.
        assertThat(new DeviceCookies(database(), clock, properties).verify(value, "maria.k")).isEmpty();

        clock.advance(Duration.ofDays(31));
        assertThat(cookies.verify(value, "maria.k")).isEmpty();
    }

    @Test
    void attemptsAreCountedWhenReservedGivenBackOnSuccessAndReportedOncePerWindow() {
        LoginThrottle throttle = new LoginThrottle(properties, clock, new SimpleMeterRegistry());
        LoginThrottle.Attempt good = throttle.reserve("bob", "10.0.0.1", null);
        throttle.succeeded(good);
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.reserve("BOB ", "10.0.0.1", null).allowed()).isTrue();
        }
        LoginThrottle.Attempt refused = throttle.reserve("bob", "10.0.0.2", null);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(900);
        assertThat(refused.refusedToReport()).isEqualTo(1);
        assertThat(throttle.reserve("bob", "10.0.0.3", null).refusedToReport()).isZero();

        // A recognised browser has its own budget of 2.
        assertThat(throttle.reserve("bob", "10.0.0.1", "device-1").allowed()).isTrue();
        assertThat(throttle.reserve("bob", "10.0.0.1", "device-1").allowed()).isTrue();
        assertThat(throttle.reserve("bob", "10.0.0.1", "device-1").allowed()).isFalse();
        assertThat(throttle.reserve("bob", "10.0.0.1", "device-2").allowed()).isTrue();

        clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        assertThat(throttle.reserve("bob", "10.0.0.2", null).allowed()).isTrue();
    }

    private static JdbcClient database() {
        var dataSource = new DriverManagerDataSource("jdbc:h2:mem:keys-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("CREATE TABLE server_keys (name VARCHAR(64) PRIMARY KEY, secret VARCHAR(255) NOT NULL, "
                + "created_at BIGINT NOT NULL)").update();
        return jdbc;
    }
}
