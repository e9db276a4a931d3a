package org.callvault.system;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything an operator can set under {@code callvault.*} (or as CALLVAULT_* environment
 * variables). Validated at start-up so a bad value stops the server with a clear message
 * instead of failing on the first call.
 */
@Validated
@ConfigurationProperties("callvault")
public record CallVaultProperties(
        @Valid @NotNull @DefaultValue Admin admin,
        @Valid @NotNull @DefaultValue Recordings recordings,
        @Valid @NotNull @DefaultValue Calls calls,
        @Valid @NotNull @DefaultValue Security security,
        @Valid @NotNull @DefaultValue Retention retention,
        @Valid @NotNull @DefaultValue Sockets sockets,
        @Valid @NotNull @DefaultValue Media media,
        @Valid @NotNull @DefaultValue MicTests micTests,
        @Valid @NotNull @DefaultValue Sip sip) {

    /**
     * @param days delete recordings older than this many days; 0 keeps them for ever (the default)
     * @param cron when the policy runs by itself (server time zone)
     */
    public record Retention(@Min(0) @DefaultValue("0") int days, @NotNull @DefaultValue("0 30 3 * * *") String cron) {

        public boolean enabled() {
            return days > 0;
        }
    }

    /**
     * @param password initial password for the {@code admin} account created at first start;
     *                 when unset the documented default {@code admin123} is used and must be
     *                 changed at first sign-in.
     */
    public record Admin(String password) {
    }

    /**
     * @param dir        folder that holds recordings (created when missing)
     * @param sampleRate canonical media rate in Hz, announced to browsers
     * @param frameMillis length of one media frame
     * @param channels   1 = both parties mixed, 2 = caller left, agent right
     * @param minFreeSpace below this much usable space in the recordings folder no recording file
     *                   is opened (a call's recording waits, partial, until space returns) and
     *                   health reports OUT_OF_SERVICE
     * @param allowOrphans start even though the recordings folder holds recordings and the
     *                   database has none (a lost or replaced database); off by default, since
     *                   that start would leave every recording unlisted
     * @param format     {@code wav} (16-bit PCM, the default) or {@code opus} (Ogg Opus, about a
     *                   twentieth of the size); recordings already stored keep their format
     */
    public record Recordings(
            @NotNull @DefaultValue("recordings") Path dir,
            @Min(8000) @Max(96000) @DefaultValue("44100") int sampleRate,
            @Min(10) @Max(60) @DefaultValue("20") int frameMillis,
            @Min(1) @Max(2) @DefaultValue("1") int channels,
            @NotNull @DefaultValue("1GB") DataSize minFreeSpace,
            @DefaultValue("false") boolean allowOrphans,
            @NotNull @jakarta.validation.constraints.Pattern(regexp = "(?i)wav|opus",
                    message = "must be wav or opus") @DefaultValue("wav") String format) {
    }

    /**
     * @param ringTimeout       an unanswered call becomes MISSED after this
     * @param legGracePeriod    a leg whose socket dropped may come back within this
     * @param phoneRequiresLogin when true, /phone and its sockets need a signed-in user
     * @param dialsPerMinute    call attempts allowed per client address and minute
     * @param maxRinging        calls that may ring at once, all callers together; a dial over it
     *                          is refused at once ({@code lines_busy})
     * @param ringStrategy      {@code ring-all}: every available agent's console rings at once;
     *                          {@code longest-idle}: one available agent at a time, the one idle
     *                          longest first, moving on after {@code ringEach}
     * @param ringEach          how long a call rings at one agent under {@code longest-idle}
     * @param whenNobodyAvailable {@code miss}: a call that finds no available agent is MISSED at
     *                          once (reason {@code no_agent_available}); {@code wait}: it rings
     *                          until an agent becomes available or the ring timeout
     * @param outcomeCodes      the outcome codes agents may give a call (lower-case slugs)
     */
    public record Calls(
            @NotNull @DefaultValue("30s") Duration ringTimeout,
            @NotNull @DefaultValue("5s") Duration legGracePeriod,
            @DefaultValue("false") boolean phoneRequiresLogin,
            @Min(1) @DefaultValue("20") int dialsPerMinute,
            @Min(1) @DefaultValue("50") int maxRinging,
            @NotNull @Pattern(regexp = "ring-all|longest-idle", message = "must be ring-all or longest-idle")
            @DefaultValue("ring-all") String ringStrategy,
            @NotNull @DefaultValue("15s") Duration ringEach,
            @NotNull @Pattern(regexp = "miss|wait", message = "must be miss or wait")
            @DefaultValue("miss") String whenNobodyAvailable,
            @NotEmpty @DefaultValue({ "sale", "support", "complaint", "callback", "other" })
            java.util.List<@Pattern(regexp = "[a-z0-9][a-z0-9-]{0,31}", message = "outcome codes are lower-case slugs of at most 32 characters") String> outcomeCodes) {

        public boolean longestIdle() {
            return "longest-idle".equals(ringStrategy);
        }

        public boolean waitWhenNobodyAvailable() {
            return "wait".equals(whenNobodyAvailable);
        }
    }

    /**
     * Limits of the event sockets ({@code /ws/events}), which callers open without signing in.
     *
     * @param anonymousPerAddress event sockets without a signed-in user per client address; more are
     *                            closed with 4429
     * @param messagesPerSecond   messages a socket may send per second, on average; the excess is
     *                            dropped unread (answered once with {@code rate_limited})
     * @param messageBurst        messages a socket may send at once above that rate
     */
    public record Sockets(
            @Min(1) @DefaultValue("20") int anonymousPerAddress,
            @Min(1) @DefaultValue("20") int messagesPerSecond,
            @Min(1) @DefaultValue("40") int messageBurst) {
    }

    /**
     * Policing of the media sockets: a leg may send audio at real time, plus a burst.
     *
     * @param burst audio a leg may send ahead of real time (e.g. the backlog after a network stall);
     *              frames beyond it are dropped and counted. At least as long as the lateness the
     *              recorder keeps, so a leg catching up after a stall loses nothing.
     * @param opusBitrate what Opus legs are asked to encode at (the {@code media} message's
     *              {@code bitrate}) and what the server encodes at towards them, bits per second. A
     *              stereo Ogg recording of two Opus legs stores their packets, so this is also its
     *              bit rate per party: 32,000 (the default) is 0.48 MB per call minute, 16,000 is 0.24
     */
    public record Media(@NotNull @DefaultValue("3s") Duration burst,
            @Min(6_000) @Max(128_000) @DefaultValue("32000") int opusBitrate) {
    }

    /**
     * "Test 5s recording" uploads, which anonymous phone pages may make.
     *
     * @param perAddressPerMinute uploads per client address and minute
     * @param perSessionPerMinute uploads per browser session and minute
     * @param maxTotalSize        all kept tests together; the oldest are deleted to make room
     * @param minFreeDisk         uploads are refused (507) while the recordings disk has less
     *                            usable space than this, so tests never take the space calls need
     */
    public record MicTests(
            @Min(1) @DefaultValue("10") int perAddressPerMinute,
            @Min(1) @DefaultValue("5") int perSessionPerMinute,
            @NotNull @DefaultValue("50MB") DataSize maxTotalSize,
            @NotNull @DefaultValue("1GB") DataSize minFreeDisk) {
    }

    /**
     * @param maxFailuresPerAccount failed sign-ins allowed per account within the window, from browsers
     *                              without a device cookie for it (every address together)
     * @param maxFailuresPerAddress failed sign-ins allowed per client address within the window, from
     *                              browsers without a device cookie
     * @param maxFailuresPerDevice  failed sign-ins allowed within the window to a browser that presents a
     *                              valid device cookie for the account (its own budget)
     * @param failureWindow         how long a failure counts
     * @param deviceCookieLifetime  how long a browser that signed in is recognised by its device cookie
     */
    public record Security(
            @Min(1) @DefaultValue("5") int maxFailuresPerAccount,
            @Min(1) @DefaultValue("20") int maxFailuresPerAddress,
            @Min(1) @DefaultValue("5") int maxFailuresPerDevice,
            @NotNull @DefaultValue("15m") Duration failureWindow,
            @NotNull @DefaultValue("90d") Duration deviceCookieLifetime) {
    }

    /**
     * The SIP endpoint (docs/sip.md).
     *
     * @param enabled          listen for SIP at all
     * @param port             UDP and TCP port of SIP; 0 picks a free one (tests)
     * @param bind             address the SIP sockets listen on
     * @param externalAddress  address announced in Contact and SDP (the public one behind NAT); empty:
     *                         the bind address, or this host's address when bound to any
     * @param rtpPorts         range of UDP ports for RTP, {@code first-last}; each call holds one (even) port
     * @param trusted          sources whose INVITEs are accepted without authentication (CIDR list)
     * @param invitesPerSecond new INVITEs a source may send per second (token bucket, burst of as many);
     *                         the excess gets 503 with Retry-After
     * @param maxCalls         SIP calls at once (ringing or answered); more get 503
     * @param credentials      user names and passwords with which an INVITE from outside {@code trusted} may
     *                         authenticate (digest, RFC 8760); none: such INVITEs get 403
     * @param realm            the digest realm CallVault challenges with
     * @param digestAlgorithms the digest algorithms offered, most preferred first (RFC 8760 order: SHA-256, MD5)
     * @param tcpIdleTimeout   a TCP connection that sends nothing for this long is closed
     * @param tcpConnectionsPerSource TCP connections one source address may hold at once (of 512)
     * @param recordingMediaTimeout how long a SIPREC recording session may receive no RTP at all (while not
     *                         paused) before CallVault ends it with what it has and sends BYE
     * @param siprec           what SIPREC recording sessions do beyond the SIP settings (docs/siprec.md)
     */
    public record Sip(
            @DefaultValue("true") boolean enabled,
            @Min(0) @Max(65535) @DefaultValue("5060") int port,
            @NotBlank @DefaultValue("0.0.0.0") String bind,
            @DefaultValue("") String externalAddress,
            @NotNull @Pattern(regexp = "\\d{1,5}-\\d{1,5}", message = "must be first-last, e.g. 20000-20999")
            @DefaultValue("20000-20999") String rtpPorts,
            @NotEmpty @DefaultValue({ "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                    "fc00::/7" }) java.util.List<String> trusted,
            @Min(1) @DefaultValue("10") int invitesPerSecond,
            @Min(1) @DefaultValue("200") int maxCalls,
            @NotNull @DefaultValue java.util.List<@Valid @NotNull SipCredential> credentials,
            @NotNull @Pattern(regexp = "[\\x21\\x23-\\x5B\\x5D-\\x7E]([\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]*[\\x21\\x23-\\x5B\\x5D-\\x7E])?",
                    message = "must be printable ASCII without quotes or backslashes, e.g. callvault")
            @DefaultValue("callvault") String realm,
            @NotEmpty @DefaultValue({ "SHA-256", "MD5" }) java.util.List<@NotNull @Pattern(regexp = "SHA-256|MD5",
                    message = "must be SHA-256 or MD5") String> digestAlgorithms,
            @NotNull @DefaultValue("120s") java.time.Duration tcpIdleTimeout,
            @Min(1) @DefaultValue("64") int tcpConnectionsPerSource,
            @NotNull @DefaultValue("30s") java.time.Duration recordingMediaTimeout,
            @Valid @NotNull @DefaultValue Siprec siprec) {

        public Sip {
            credentials = credentials == null ? java.util.List.of() : credentials;
        }

        /** Two entries with one user name would make the password ambiguous. */
        @jakarta.validation.constraints.AssertTrue(message = "each user name may appear once")
        public boolean isCredentialUsernamesUnique() {
            return credentials.stream().filter(c -> c != null && c.username() != null).map(SipCredential::username)
                    .distinct().count() == credentials.stream().filter(c -> c != null && c.username() != null).count();
        }
    }

    /**
     * SIPREC recording sessions ({@code callvault.sip.siprec.*}).
     *
     * @param pausedAudio what a pause (every stream set inactive, as SBCs do while a card number is
     *                    read out) leaves in the file: {@code silence}, the paused time as silence (the
     *                    file as long as the session), or {@code omit}, the paused time cut out (the
     *                    file as long as the session minus its pauses); the pauses are stored either way
     */
    public record Siprec(@NotNull @DefaultValue("silence") PausedAudio pausedAudio) {
    }

    /** {@link Siprec#pausedAudio()}: written {@code silence} or {@code omit}. */
    public enum PausedAudio {
        SILENCE, OMIT
    }

    /**
     * One SIP account a peer may authenticate with ({@code callvault.sip.credentials[0].username}, or
     * {@code CALLVAULT_SIP_CREDENTIALS_0_USERNAME} and {@code CALLVAULT_SIP_CREDENTIALS_0_PASSWORD}).
     * The password is checked by a method, not a field constraint, so that a refusal at start-up never
     * prints it (Spring prints a rejected field's value); {@link #toString()} hides it too.
     *
     * @param username the digest user name: printable, no spaces, quotes or backslashes
     * @param password at least 12 characters
     */
    public record SipCredential(
            @NotBlank @Pattern(regexp = "[\\x21\\x23-\\x5B\\x5D-\\x7E]+",
                    message = "must be printable ASCII without spaces, quotes or backslashes") String username,
            String password) {

        public static final int MIN_PASSWORD_LENGTH = 12;

        @jakarta.validation.constraints.AssertTrue(message = "the SIP password must be at least "
                + MIN_PASSWORD_LENGTH + " characters long")
        public boolean isPasswordLongEnough() {
            return password != null && password.length() >= MIN_PASSWORD_LENGTH;
        }

        @Override
        public String toString() {
            return "SipCredential[username=" + username + ", password=****]";
        }
    }
}
