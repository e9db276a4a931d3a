package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.callvault.call.CallService;
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

/** Only configured sources may call in: SIPp on 127.0.0.1 is outside the trusted list here. */
@DatabaseIndependent
@Import(TestUsers.class)
@TestPropertySource(properties = "callvault.sip.trusted=192.0.2.0/24")
class SipUntrustedSourceIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Autowired
    SipServer sip;

    @Autowired
    CallService calls;

    @Test
    void inviteFromAnUntrustedAddressGets403AndRingsNobody() throws Exception {
        WebClientSession login = newSession();
        login.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (EventSocketClient agent = EventSocketClient.agent(port, login);
                Sipp sipp = Sipp.call("invite-forbidden.xml", sip.port())) {
            assertThat(sipp.awaitExit()).as(sipp.logs()).isZero();
            assertThat(calls.liveCallCount()).isZero();
            assertThat(sip.rtpPortsInUse()).isZero();
            assertThat(agent.messages()).noneMatch(m -> "call".equals(m.path("type").asString()));
        }
    }
}
