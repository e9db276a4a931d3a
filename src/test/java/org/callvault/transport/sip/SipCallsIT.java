package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.callvault.call.CallService;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.transport.ws.AgentPresence;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real SIP client (SIPp) calls the real server; a Java agent console answers or declines. */
@DatabaseIndependent
@Import(TestUsers.class)
class SipCallsIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Autowired
    SipServer sip;

    @Autowired
    AgentPresence presence;

    @Autowired
    CallService calls;

    @Test
    void optionsIsAnswered200WithAllowAndAccept() throws Exception {
        try (Sipp sipp = Sipp.call("options.xml", sip.port())) {
            assertThat(sipp.awaitExit()).as(sipp.logs()).isZero();
        }
    }

    @Test
    void inviteRingsTheAgentsAnsweredGets200WithSdpAndByeEndsTheCall() throws Exception {
        WebClientSession admin = signedInAdmin();
        try (EventSocketClient agent = agentConsole(); Sipp sipp = Sipp.call("invite-answer-bye.xml", sip.port())) {
            String callId = answeredThenCallerHangsUp(agent, sipp);

            // The REST API and the CSV say where the call came from.
            await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/api/calls/" + callId).statusCode() == 200
                    && JsonMapper.builder().build().readTree(admin.get("/api/calls/" + callId).body())
                            .path("state").asString().equals("ended"));
            JsonNode stored = JsonMapper.builder().build().readTree(admin.get("/api/calls/" + callId).body());
            assertThat(stored.path("source").asString()).isEqualTo("sip");
            assertThat(admin.get("/api/calls/export.csv").body()).contains(callId).containsPattern(callId + ".*,sip,[^\r\n]*\r\n");
        }
    }

    @Test
    void overTcpAnAgentAnswersAndByeEndsTheCall() throws Exception {
        try (EventSocketClient agent = agentConsole();
                Sipp sipp = Sipp.call("invite-answer-bye.xml", sip.port(), true)) {
            // Every message of the scenario, our 200 with its SDP answer included, comes over the one
            // TCP connection (SIPp -t t1 fails the scenario on anything else).
            answeredThenCallerHangsUp(agent, sipp);
        }
    }

    /** SIPp's call rings, the agent answers, SIPp hangs up: the call's id, once everything is released. */
    private String answeredThenCallerHangsUp(EventSocketClient agent, Sipp sipp) throws Exception {
        JsonNode ringing = agent.awaitSipCall("ringing");
        assertThat(ringing.path("callerName").asString()).isEqualTo("Ada Lovelace");
        assertThat(ringing.path("callerNumber").asString()).isEqualTo("+15551234567");
        String callId = ringing.path("id").asString();
        assertThat(sip.rtpPortsInUse()).isEqualTo(1);

        agent.sendJson("type", "answer", "callId", callId);
        agent.awaitCallState(callId, "answered");
        JsonNode ended = agent.awaitCallState(callId, "ended").path("call");
        assertThat(ended.path("endReason").asString()).isEqualTo("caller_hangup");
        assertThat(ended.path("source").asString()).isEqualTo("sip");
        assertThat(sipp.awaitExit()).as(sipp.logs()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0 && sip.activeCalls() == 0);
        return callId;
    }

    @Test
    void cancelWhileRingingGets487AndTheAgentsSeeItCancelled() throws Exception {
        try (EventSocketClient agent = agentConsole(); Sipp sipp = Sipp.call("invite-cancel.xml", sip.port())) {
            String callId = agent.awaitSipCall("ringing").path("id").asString();
            assertThat(sipp.awaitExit()).as(sipp.logs()).isZero();
            JsonNode cancelled = agent.awaitCallState(callId, "cancelled").path("call");
            assertThat(cancelled.path("endReason").asString()).isEqualTo("caller_hangup");
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0);
        }
    }

    @Test
    void declinedByTheAgentGets603() throws Exception {
        try (EventSocketClient agent = agentConsole(); Sipp sipp = Sipp.call("invite-declined.xml", sip.port())) {
            String callId = agent.awaitSipCall("ringing").path("id").asString();
            agent.sendJson("type", "decline", "callId", callId);
            agent.awaitCallState(callId, "rejected");
            assertThat(sipp.awaitExit()).as(sipp.logs()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0);
        }
    }

    @Test
    void agentHangingUpSendsByeToTheSipSide() throws Exception {
        try (EventSocketClient agent = agentConsole(); Sipp sipp = Sipp.call("invite-agent-hangs-up.xml", sip.port())) {
            String callId = agent.awaitSipCall("ringing").path("id").asString();
            agent.sendJson("type", "answer", "callId", callId);
            agent.awaitCallState(callId, "answered");
            agent.sendJson("type", "hangup", "callId", callId);
            JsonNode ended = agent.awaitCallState(callId, "ended").path("call");
            assertThat(ended.path("endReason").asString()).isEqualTo("agent_hangup");
            assertThat(sipp.awaitExit()).as(sipp.logs()).isZero(); // it received our BYE and answered it
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0);
        }
    }

    @Test
    void holdReInviteIsAnsweredRecvonlyAndTheCallGoesOn() throws Exception {
        try (EventSocketClient agent = agentConsole(); Sipp sipp = Sipp.call("invite-hold.xml", sip.port())) {
            String callId = agent.awaitSipCall("ringing").path("id").asString();
            agent.sendJson("type", "answer", "callId", callId);
            JsonNode ended = agent.awaitCallState(callId, "ended").path("call");
            assertThat(ended.path("endReason").asString()).isEqualTo("caller_hangup"); // the BYE after the hold
            assertThat(sipp.awaitExit()).as(sipp.logs()).isZero();
        }
    }

    @Test
    void ringTimeoutGets480NoAnswer() throws Exception {
        try (EventSocketClient agent = agentConsole(); Sipp sipp = Sipp.call("invite-ring-timeout.xml", sip.port())) {
            String callId = agent.awaitSipCall("ringing").path("id").asString();
            agent.awaitCallState(callId, "missed"); // callvault.calls.ring-timeout=3s in the tests
            assertThat(sipp.awaitExit()).as(sipp.logs()).isZero();
        }
    }

    @Test
    void noAgentAvailableGets480AtOnceAndNoLiveCall() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> !presence.anyAgentOnline());
        int liveBefore = calls.liveCallCount();
        try (Sipp sipp = Sipp.call("invite-no-agent.xml", sip.port())) {
            assertThat(sipp.awaitExit()).as(sipp.logs()).isZero();
        }
        assertThat(calls.liveCallCount()).isEqualTo(liveBefore);
        await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0);
    }

    @Test
    void byeForAnUnknownDialogGets481() throws Exception {
        try (Sipp sipp = Sipp.call("bye-unknown-dialog.xml", sip.port())) {
            assertThat(sipp.awaitExit()).as(sipp.logs()).isZero();
        }
    }

    @Test
    void malformedMessagesGet400AndTheServerKeepsAnswering() throws Exception {
        try (java.net.DatagramSocket udp = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            malformedOffers(udp);
        }
    }

    private void malformedOffers(java.net.DatagramSocket udp) throws Exception {
        String badSdp = invite("v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 300.1.2.3\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/AVP 0\r\n", "3 INVITE", udp.getLocalPort());
        assertThat(rawUdp(udp, badSdp)).startsWith("SIP/2.0 400 ").contains("bad address '300.1.2.3'");
        String noG711 = invite("v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/AVP 18\r\n", "4 INVITE", udp.getLocalPort());
        assertThat(rawUdp(udp, noG711)).startsWith("SIP/2.0 488 ");
        try (Sipp sipp = Sipp.call("options.xml", sip.port())) {
            assertThat(sipp.awaitExit()).as(sipp.logs()).isZero();
        }
        assertThat(calls.liveCallCount()).isZero();
    }

    /** An INVITE whose Via names {@code viaPort}, where the stateless answer goes. */
    private static String invite(String sdp, String cseq, int viaPort) {
        String callId = java.util.UUID.randomUUID().toString();
        return "INVITE sip:agents@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + viaPort + ";branch=z9hG4bK" + callId.substring(0, 8) + "\r\n"
                + "From: <sip:1000@127.0.0.1>;tag=t1\r\nTo: <sip:agents@127.0.0.1>\r\nCall-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + "\r\nMax-Forwards: 70\r\nContact: <sip:1000@127.0.0.1:5999>\r\n"
                + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    /** Sends one datagram to the SIP port and returns the first final (non-1xx) response to it. */
    private String rawUdp(java.net.DatagramSocket socket, String message) throws Exception {
        socket.setSoTimeout(5000);
        byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        socket.send(new java.net.DatagramPacket(bytes, bytes.length, java.net.InetAddress.getLoopbackAddress(),
                sip.port()));
        while (true) {
            java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[65536], 65536);
            socket.receive(packet);
            String text = new String(packet.getData(), 0, packet.getLength(), java.nio.charset.StandardCharsets.UTF_8);
            if (!text.startsWith("SIP/2.0 1")) {
                return text;
            }
        }
    }

    private EventSocketClient agentConsole() {
        WebClientSession login = newSession();
        login.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        return EventSocketClient.agent(port, login);
    }

}
