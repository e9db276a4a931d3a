package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

import tools.jackson.databind.JsonNode;

/**
 * Digest authentication of INVITEs from an untrusted source (127.0.0.x is outside the trusted list
 * here), with the default offer (SHA-256, then MD5), from a raw UDP client whose digest is computed
 * in the test ({@link DigestClient}), so every byte on the wire is the test's own.
 */
@DatabaseIndependent
@Import(TestUsers.class)
@TestPropertySource(properties = { "callvault.sip.trusted=192.0.2.0/24",
        "callvault.sip.credentials[0].username=trunk", "callvault.sip.credentials[0].password=correct-horse-battery" })
class SipDigestAuthIT extends IntegrationTest {

    private static final String USER = "trunk";
    private static final String PASSWORD = "correct-horse-battery";
    private static final String SDP = "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
    private static final Pattern STATUS = Pattern.compile("^SIP/2\\.0 (\\d{3}) ");

    @Autowired
    TestUsers testUsers;

    @Autowired
    SipServer sip;

    @Autowired
    CallService calls;

    @Test
    void sha256CredentialsComputedByTheClientRingTheAgents() throws Exception {
        try (EventSocketClient agent = agentConsole(); Udp udp = new Udp("127.0.0.1")) {
            Invite first = udp.invite("+15550000001");
            String challenge = challenged(udp, first);
            List<Map<String, String>> offers = DigestClient.challenges(challenge);
            assertThat(offers).extracting(o -> o.get("algorithm")).containsExactly("SHA-256", "MD5");
            assertThat(sip.rtpPortsInUse()).as("a challenge holds nothing").isZero();

            Invite second = first.next();
            String ringing = udp.send(second.text(authorization("SHA-256", offers, second.uri, "00000001")))
                    .await(180);
            assertThat(ringing).contains("CSeq: 2 INVITE");
            String callId = awaitSipCall(agent, "+15550000001").path("id").asString();
            assertThat(sip.rtpPortsInUse()).isEqualTo(1);
            agent.sendJson("type", "decline", "callId", callId);
            String declined = udp.awaitFinal();
            assertThat(status(declined)).isEqualTo(603);
            udp.send(second.ack(declined));
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0 && sip.activeCalls() == 0);
        }
    }

    @Test
    void aWrongPasswordIsRefused403AndRingsNobody() throws Exception {
        try (EventSocketClient agent = agentConsole(); Udp udp = new Udp("127.0.0.1")) {
            Invite first = udp.invite("+15550000002");
            String challenge = challenged(udp, first);
            Invite second = first.next();
            String refused = udp.send(second.text(DigestClient.authorization("SHA-256", USER, "correct-horse-batterY",
                    "callvault", DigestClient.challenges(challenge).get(0).get("nonce"), "INVITE", second.uri,
                    "00000001", "0a4f113b"))).awaitFinal();
            assertThat(status(refused)).isEqualTo(403);
            assertThat(refused).doesNotContain("WWW-Authenticate");
            udp.send(second.ack(refused));
            assertThat(calls.liveCallCount()).isZero();
            assertThat(sip.rtpPortsInUse()).isZero();
            assertThat(agent.messages()).noneMatch(m -> "+15550000002".equals(m.path("call").path("callerNumber")
                    .asString()));
        }
    }

    @Test
    void aReplayedAuthorizationIsRefused() throws Exception {
        try (EventSocketClient agent = agentConsole(); Udp udp = new Udp("127.0.0.1")) {
            Invite first = udp.invite("+15550000003");
            String challenge = challenged(udp, first);
            Invite second = first.next();
            String credentials = authorization("MD5", DigestClient.challenges(challenge), second.uri, "00000001");
            udp.send(second.text(credentials)).await(180);
            String callId = awaitSipCall(agent, "+15550000003").path("id").asString();

            // The same Authorization (nonce and nc) on a new INVITE, as an eavesdropper would replay it.
            Invite replay = udp.invite("+15550000004");
            String refused = udp.send(replay.text(credentials)).awaitFinalFor(replay.callId);
            assertThat(status(refused)).isEqualTo(403);
            udp.send(replay.ack(refused));
            assertThat(sip.activeCalls()).isEqualTo(1);
            assertThat(sip.rtpPortsInUse()).isEqualTo(1);

            agent.sendJson("type", "decline", "callId", callId);
            String declined = udp.awaitFinalFor(second.callId);
            udp.send(second.ack(declined));
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0 && sip.activeCalls() == 0);
        }
    }

    @Test
    void aFloodOfUnauthenticatedInvitesIsAnsweredCheaplyAndHoldsNothing() throws Exception {
        // Its own source address (all of 127/8 is this host): the flood drains that source's budget only.
        try (Udp udp = new Udp("127.0.0.77")) {
            udp.socket.setReceiveBufferSize(1 << 20);
            int sent = 200;
            long start = System.nanoTime();
            for (int i = 0; i < sent; i++) {
                udp.send(udp.invite("+1555" + i).text(null));
            }
            // Whatever the kernel did not drop on the way in is answered: read until a second of silence.
            Map<Integer, Integer> answers = new TreeMap<>();
            long lastAnswer = System.nanoTime();
            udp.socket.setSoTimeout(1000);
            for (String response; (response = udp.poll()) != null;) {
                answers.merge(status(response), 1, Integer::sum);
                lastAnswer = System.nanoTime();
            }
            long millis = (lastAnswer - start) / 1_000_000;
            int answered = answers.values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf("SIP digest flood: %d INVITEs sent, %d answered %s within %d ms%n", sent, answered,
                    answers, millis);
            assertThat(answers.keySet()).containsOnly(401, 503);
            assertThat(answers.get(401)).as("the source's budget of challenges").isBetween(1, 12);
            assertThat(answered).as("none answered twice").isLessThanOrEqualTo(sent);
            assertThat(calls.liveCallCount()).isZero();
            assertThat(sip.activeCalls()).isZero();
            assertThat(sip.rtpPortsInUse()).isZero();
        }
    }

    /** Sends {@code invite} without credentials, checks it gets 401, ACKs that and returns it. */
    private static String challenged(Udp udp, Invite invite) throws Exception {
        String challenge = udp.send(invite.text(null)).awaitFinal();
        assertThat(status(challenge)).as(challenge).isEqualTo(401);
        udp.send(invite.ack(challenge));
        return challenge;
    }

    private static String authorization(String algorithm, List<Map<String, String>> offers, String uri, String nc) {
        Map<String, String> offer = offers.stream().filter(o -> algorithm.equals(o.get("algorithm"))).findFirst()
                .orElseThrow();
        return DigestClient.authorization(algorithm, USER, PASSWORD, offer.get("realm"), offer.get("nonce"), "INVITE",
                uri, nc, UUID.randomUUID().toString().substring(0, 8));
    }

    private static int status(String response) {
        Matcher status = STATUS.matcher(response);
        assertThat(status.find()).as(response).isTrue();
        return Integer.parseInt(status.group(1));
    }

    private EventSocketClient agentConsole() {
        WebClientSession login = newSession();
        login.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        return EventSocketClient.agent(port, login);
    }

    private static JsonNode awaitSipCall(EventSocketClient agent, String number) {
        return agent.awaitMessage(m -> "call".equals(m.path("type").asString())
                && "ringing".equals(m.path("call").path("state").asString())
                && number.equals(m.path("call").path("callerNumber").asString())).path("call");
    }

    /** One INVITE transaction of a dialog-to-be: a new branch per CSeq, the same Call-ID and From tag. */
    private record Invite(String uri, String callId, String number, int cseq, String branch, int viaPort) {

        Invite next() {
            return new Invite(uri, callId, number, cseq + 1, "z9hG4bK" + UUID.randomUUID(), viaPort);
        }

        String text(String authorization) {
            return "INVITE " + uri + " SIP/2.0\r\n" + via() + "From: <sip:" + number + "@127.0.0.1>;tag=" + number
                    + "\r\nTo: <" + uri + ">\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq + " INVITE\r\n"
                    + "Max-Forwards: 70\r\nContact: <sip:" + number + "@127.0.0.1:" + viaPort + ">\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Content-Type: application/sdp\r\nContent-Length: " + SDP.length() + "\r\n\r\n" + SDP;
        }

        /** The ACK of a non-2xx final response: same branch, the response's To (with its tag). */
        String ack(String response) {
            Matcher to = Pattern.compile("(?im)^(To|t):\\s*(.*)$").matcher(response);
            String toHeader = to.find() ? to.group(2).strip() : "<" + uri + ">";
            return "ACK " + uri + " SIP/2.0\r\n" + via() + "From: <sip:" + number + "@127.0.0.1>;tag=" + number
                    + "\r\nTo: " + toHeader + "\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq + " ACK\r\n"
                    + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        }

        private String via() {
            return "Via: SIP/2.0/UDP 127.0.0.1:" + viaPort + ";branch=" + branch + "\r\n";
        }
    }

    /** A UDP socket on a loopback address of the test's choice, speaking to the SIP port. */
    private final class Udp implements AutoCloseable {

        final DatagramSocket socket;

        Udp(String address) throws Exception {
            socket = new DatagramSocket(0, InetAddress.getByName(address));
            socket.setSoTimeout(5000);
        }

        Invite invite(String number) {
            return new Invite("sip:agents@127.0.0.1:" + sip.port(), UUID.randomUUID().toString(), number, 1,
                    "z9hG4bK" + UUID.randomUUID(), socket.getLocalPort());
        }

        Udp send(String message) throws Exception {
            byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), sip.port()));
            return this;
        }

        /** The next response with this status (provisional ones included), skipping others. */
        String await(int wanted) throws Exception {
            while (true) {
                String response = receive();
                if (status(response) == wanted) {
                    return response;
                }
                assertThat(status(response)).as(response).isLessThan(200);
            }
        }

        /** The next final (non-1xx) response. */
        String awaitFinal() throws Exception {
            return awaitFinalFor(null);
        }

        /** The next final response of the call {@code callId} (any call when null). */
        String awaitFinalFor(String callId) throws Exception {
            while (true) {
                String response = receive();
                if (status(response) >= 200 && (callId == null || response.contains("Call-ID: " + callId))) {
                    return response;
                }
            }
        }

        /** The next datagram, or null after the socket's timeout. */
        String poll() throws Exception {
            DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
            try {
                socket.receive(packet);
            }
            catch (SocketTimeoutException quiet) {
                return null;
            }
            return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
        }

        private String receive() throws Exception {
            DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
            try {
                socket.receive(packet);
            }
            catch (SocketTimeoutException e) {
                throw new AssertionError("no SIP response within 5 s", e);
            }
            return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
