package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.callvault.support.DatabaseIndependent;
import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;

/**
 * SIPp, a real SIP client, authenticates with MD5 digest from an untrusted source (127.0.0.1 is outside
 * the trusted list here). MD5 alone is offered in this test: SIPp 3.6 answers only the first
 * WWW-Authenticate of a 401 and only MD5, so RFC 8760's order (SHA-256 first) stops it; the
 * {@code callvault.sip.digest-algorithms=MD5} setting is what such peers need (docs/sip.md).
 */
@DatabaseIndependent
@Import(TestUsers.class)
@TestPropertySource(properties = { "callvault.sip.trusted=192.0.2.0/24", "callvault.sip.digest-algorithms=MD5",
        "callvault.sip.credentials[0].username=trunk", "callvault.sip.credentials[0].password=correct-horse-battery" })
class SipDigestAuthSippIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Autowired
    SipServer sip;

    @Test
    void sippGets401AnswersWithMd5AndTheCallRingsIsAnsweredAndEnds() throws Exception {
        WebClientSession login = newSession();
        login.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (EventSocketClient agent = EventSocketClient.agent(port, login);
                // SIPp's digest uri is sip:host:port unless told: CallVault wants the Request-URI (RFC 3261 22.4).
                Sipp sipp = Sipp.call("invite-digest-md5.xml", sip.port(),
                        List.of("-auth_uri", "agents@127.0.0.1:" + sip.port()))) {
            JsonNode ringing = agent.awaitMessage(m -> "call".equals(m.path("type").asString())
                    && "sip".equals(m.path("call").path("source").asString())
                    && "ringing".equals(m.path("call").path("state").asString())).path("call");
            assertThat(ringing.path("callerNumber").asString()).isEqualTo("+15551234567");
            String callId = ringing.path("id").asString();
            agent.sendJson("type", "answer", "callId", callId);
            agent.awaitCallState(callId, "answered");
            JsonNode ended = agent.awaitCallState(callId, "ended").path("call");
            assertThat(ended.path("endReason").asString()).isEqualTo("caller_hangup");
            assertThat(sipp.awaitExit()).as(sipp.logs()).isZero();
            assertThat(sipp.logs()).contains("Authorization: Digest").contains("algorithm=MD5");
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0 && sip.activeCalls() == 0);
        }
    }
}
