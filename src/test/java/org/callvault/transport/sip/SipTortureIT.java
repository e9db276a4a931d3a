package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.callvault.call.CallService;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.IntegrationTest;
import org.callvault.transport.ws.AgentPresence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The 49 messages of RFC 4475 ("SIP Torture Test Messages", src/test/resources/sip-torture) replayed
 * over UDP and over TCP to the running server, each answered as the RFC says a UAS that is the
 * call's endpoint should answer it; afterwards the server still answers, and holds no call, RTP
 * port or connection. Only the topmost Via's transport and sent-by are rewritten at send time, so
 * the answers come back to this test (RawSip.viaTo); everything else goes out as the RFC wrote it.
 */
@DatabaseIndependent
@TestPropertySource(properties = SipTortureIT.PROPERTIES)
class SipTortureIT extends IntegrationTest {

    /** Every INVITE here comes from 127.0.0.1: the per-source rate would refuse most of them. */
    static final String PROPERTIES = "callvault.sip.invites-per-second=1000";

    /** How long a message the server must drop is given to (wrongly) get an answer. */
    private static final int SILENCE_MILLIS = 1500;

    @Autowired
    SipServer sip;

    @Autowired
    CallService calls;

    @Autowired
    AgentPresence presence;

    @BeforeEach
    void noAgentOnlineAndNoTransactionLeft() {
        // No console is open: the valid INVITEs get 480 at once and leave no call.
        await().atMost(Duration.ofSeconds(10)).until(() -> !presence.anyAgentOnline());
        // A replay of the same INVITE while the previous one's transaction lives is a merged request
        // (RFC 3261 8.2.2.2: 482); the transactions of an earlier replay end within Timer H.
        await().atMost(Duration.ofSeconds(40)).until(() -> sip.serverTransactions() == 0);
    }

    /** What the RFC has a UAS do with each message, over a datagram and over a stream. */
    private record Expected(Set<Integer> udp, Set<Integer> tcp) {

        static final Set<Integer> SILENT = Set.of();
    }

    private static Expected both(Integer... statuses) {
        return new Expected(Set.of(statuses), Set.of(statuses));
    }

    private static Expected silent() {
        return new Expected(Expected.SILENT, Expected.SILENT);
    }

    private static final Map<String, Expected> EXPECTED = new LinkedHashMap<>();

    static {
        // 3.1.1 valid messages: parsed and processed as any other.
        EXPECTED.put("wsinv", both(481)); // a To tag: an in-dialog INVITE for a dialog we do not know
        EXPECTED.put("intmeth", both(405)); // an unknown method
        EXPECTED.put("esc01", both(480)); // rings: no agent online
        EXPECTED.put("escnull", both(405)); // REGISTER
        EXPECTED.put("esc02", both(405)); // RE%47IST%45R is a method of its own, not REGISTER
        EXPECTED.put("lwsdisp", both(200));
        EXPECTED.put("longreq", both(480));
        // Over UDP the INVITE after the REGISTER is trailing octets to ignore; over TCP it is the
        // next message of the stream, checked separately below.
        EXPECTED.put("dblreq", both(405));
        EXPECTED.put("semiuri", both(200));
        EXPECTED.put("transports", both(200));
        EXPECTED.put("mpart01", both(405)); // MESSAGE
        EXPECTED.put("unreason", silent()); // a response matching no transaction
        EXPECTED.put("noreason", silent());
        // 3.1.2 invalid messages: 400 (505 for the version), responses dropped.
        EXPECTED.put("badinv01", both(400));
        // Over TCP the body is still on its way: the server waits, then closes the stalled connection.
        EXPECTED.put("clerr", new Expected(Set.of(400), Expected.SILENT));
        EXPECTED.put("ncl", both(400));
        EXPECTED.put("scalar02", both(400));
        EXPECTED.put("scalarlg", silent());
        EXPECTED.put("quotbal", both(400));
        EXPECTED.put("ltgtruri", both(400));
        EXPECTED.put("lwsruri", both(400));
        // The RFC lets an element be liberal with these six, or reject them.
        EXPECTED.put("lwsstart", both(400, 480));
        EXPECTED.put("trws", both(400, 200));
        EXPECTED.put("escruri", both(400, 480));
        EXPECTED.put("baddate", both(400, 480));
        EXPECTED.put("regbadct", both(400, 405));
        EXPECTED.put("badaspec", both(400, 200));
        // No empty line ends its headers: over TCP the message never ends and the connection is closed.
        EXPECTED.put("baddn", new Expected(Set.of(400), Expected.SILENT));
        EXPECTED.put("badvers", both(505));
        EXPECTED.put("mismatch01", both(400));
        EXPECTED.put("mismatch02", both(400));
        EXPECTED.put("bigcode", silent());
        // 3.2 transaction layer: no magic cookie in the branch is an RFC 2543 peer, answered as usual.
        EXPECTED.put("badbranch", both(200));
        // 3.3 application layer.
        // Without From, To and Call-ID: over TCP a 400 on the connection; over UDP dropped, because the
        // RI's datagram channel answers only requests that have them (docs/sip.md, Hostile input).
        EXPECTED.put("insuf", new Expected(Expected.SILENT, Set.of(400)));
        EXPECTED.put("unkscm", both(416));
        EXPECTED.put("novelsc", both(416));
        EXPECTED.put("unksm2", both(405)); // the odd schemes are in To, From and Contact, not in the Request-URI
        EXPECTED.put("bext01", both(420));
        EXPECTED.put("invut", both(415));
        EXPECTED.put("regaut01", both(405));
        EXPECTED.put("multi01", both(400));
        EXPECTED.put("mcl01", both(400));
        EXPECTED.put("bcast", silent());
        EXPECTED.put("zeromf", both(200)); // Max-Forwards 0 matters to proxies; we are the target
        EXPECTED.put("cparam01", both(405));
        EXPECTED.put("cparam02", both(405));
        EXPECTED.put("regescrt", both(405));
        EXPECTED.put("sdp01", both(406)); // our answer would be SDP, which it does not accept
        // 3.4 backward compatibility: an RFC 2543 INVITE. The RFC lets an element keep compatibility;
        // this one has no Contact, which RFC 3261 requires of an INVITE and without which no dialog
        // can be kept: 400 (its missing Max-Forwards and datagram body without Content-Length are
        // accepted).
        EXPECTED.put("inv2543", both(400));
    }

    @Test
    void all49MessagesOverUdpAreAnsweredAsTheRfcSays() throws Exception {
        assertThat(EXPECTED).hasSize(49);
        Map<String, String> wrong = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        try (RawSip.Udp udp = new RawSip.Udp(sip.port())) {
            for (Map.Entry<String, Expected> e : EXPECTED.entrySet()) {
                byte[] message = RawSip.viaTo(load(e.getKey()), "UDP", "127.0.0.1", udp.port(), replay());
                udp.send(message);
                List<String> lines = new ArrayList<>();
                Set<Integer> finals = finalsUdp(udp, message, lines);
                table.append(e.getKey()).append(" udp ").append(finals).append(' ').append(lines).append('\n');
                if (!matches(e.getValue().udp(), finals)) {
                    wrong.put(e.getKey(), "got " + finals + ", expected " + e.getValue().udp());
                }
            }
        }
        System.out.println("RFC 4475 over UDP:\n" + table);
        assertThat(wrong).as(table.toString()).isEmpty();
        assertStillStanding();
    }

    @Test
    void all49MessagesOverTcpAreAnsweredAsTheRfcSays() throws Exception {
        Map<String, String> wrong = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        for (Map.Entry<String, Expected> e : EXPECTED.entrySet()) {
            // One connection each: a message that breaks the framing must not take the next one with it.
            try (RawSip.Tcp tcp = new RawSip.Tcp(sip.port())) {
                byte[] message = RawSip.viaTo(load(e.getKey()), "TCP", "127.0.0.1", tcp.port(), replay());
                tcp.send(message);
                List<String> lines = new ArrayList<>();
                Set<Integer> finals = finalsTcp(tcp, message, lines);
                table.append(e.getKey()).append(" tcp ").append(finals).append(' ').append(lines)
                        .append(tcp.closedByServer() ? " closed" : "").append('\n');
                if (!matches(e.getValue().tcp(), finals)) {
                    wrong.put(e.getKey(), "got " + finals + ", expected " + e.getValue().tcp());
                }
            }
        }
        System.out.println("RFC 4475 over TCP:\n" + table);
        assertThat(wrong).as(table.toString()).isEmpty();
        assertStillStanding();
    }

    @Test
    void dblreqOverUdpIgnoresTheTrailingInviteAndOverTcpAnswersItAsTheNextMessage() throws Exception {
        byte[] dblreq = load("dblreq");
        Optional<String> trailingCallId = Optional.of("dblreq.0ha0isnda977644900765@192.0.2.15");
        try (RawSip.Udp udp = new RawSip.Udp(sip.port())) {
            udp.send(RawSip.viaTo(dblreq, "UDP", "127.0.0.1", udp.port(), replay()));
            List<RawSip.Response> got = collect(udp::receive, SILENCE_MILLIS);
            assertThat(RawSip.answering(got, trailingCallId)).as("the trailing INVITE is not a message").isEmpty();
            assertThat(got).extracting(RawSip.Response::status).contains(405);
        }
        try (RawSip.Tcp tcp = new RawSip.Tcp(sip.port())) {
            // On a stream the INVITE is a message of its own: its Via is rewritten too, so its answer
            // comes back on this connection.
            String text = new String(dblreq, StandardCharsets.ISO_8859_1);
            int second = text.indexOf("INVITE sip:joe@example.com");
            byte[] register = RawSip.viaTo(text.substring(0, second).getBytes(StandardCharsets.ISO_8859_1), "TCP",
                    "127.0.0.1", tcp.port(), replay());
            byte[] invite = RawSip.viaTo(text.substring(second).getBytes(StandardCharsets.ISO_8859_1), "TCP",
                    "127.0.0.1", tcp.port(), replay());
            tcp.send(register);
            tcp.send(invite);
            List<RawSip.Response> got = collect(tcp::receive, SILENCE_MILLIS * 2);
            assertThat(got).extracting(RawSip.Response::status).contains(405);
            // Its SDP has "m =video": a malformed offer, refused, and nothing rings.
            assertThat(RawSip.answering(got, trailingCallId)).extracting(RawSip.Response::status)
                    .anyMatch(s -> s >= 400);
        }
        assertStillStanding();
    }

    private static final java.util.concurrent.atomic.AtomicInteger REPLAYS = new java.util.concurrent.atomic.AtomicInteger();

    private static String replay() {
        return ".r" + REPLAYS.incrementAndGet();
    }

    private interface Receiver {
        Optional<RawSip.Response> receive(int timeoutMillis) throws IOException;
    }

    private static List<RawSip.Response> collect(Receiver receiver, int millis) throws IOException {
        List<RawSip.Response> got = new ArrayList<>();
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            receiver.receive((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L)).ifPresent(got::add);
        }
        return got;
    }

    /** The final statuses answering {@code message} (by Call-ID), ACKing any INVITE refusal. */
    private Set<Integer> finalsUdp(RawSip.Udp udp, byte[] message, List<String> lines) throws IOException {
        return finals(message, udp::receive, ack -> udp.send(ack), lines);
    }

    private Set<Integer> finalsTcp(RawSip.Tcp tcp, byte[] message, List<String> lines) throws IOException {
        return finals(message, tcp::receive, ack -> tcp.send(ack), lines);
    }

    private interface Sender {
        void send(byte[] bytes) throws IOException;
    }

    private Set<Integer> finals(byte[] message, Receiver receiver, Sender sender, List<String> lines)
            throws IOException {
        Optional<String> callId = RawSip.callIdOf(new String(message, StandardCharsets.ISO_8859_1));
        boolean invite = new String(message, 0, 7, StandardCharsets.ISO_8859_1).equals("INVITE ");
        Set<Integer> finals = new TreeSet<>();
        // A request is answered within the wait; a dropped message gets the silence window.
        long deadline = System.nanoTime() + (RawSip.isRequest(message) ? 4000 : SILENCE_MILLIS) * 1_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<RawSip.Response> response = receiver
                    .receive((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
            if (response.isEmpty()) {
                break;
            }
            RawSip.Response r = response.get();
            if (!callId.equals(r.callId())) {
                continue; // a retransmission answering an earlier message
            }
            if (r.isFinal()) {
                finals.add(r.status());
                lines.add(r.toString());
                if (invite && r.status() >= 300) {
                    Optional<String> ack = RawSip.ackFor(message, r);
                    if (ack.isPresent()) {
                        sender.send(ack.get().getBytes(StandardCharsets.UTF_8));
                    }
                }
                // Give a second final response (a wrong one) no time: the first decides.
                break;
            }
        }
        return finals;
    }

    private static boolean matches(Set<Integer> expected, Set<Integer> got) {
        if (expected.isEmpty()) {
            return got.isEmpty();
        }
        return got.size() == 1 && expected.containsAll(got);
    }

    /** The server still answers, and nothing the messages started is left behind. */
    private void assertStillStanding() throws Exception {
        try (RawSip.Udp udp = new RawSip.Udp(sip.port())) {
            String options = RawSip.options("UDP", "127.0.0.1", udp.port(), sip.port());
            udp.send(options.getBytes(StandardCharsets.UTF_8));
            List<RawSip.Response> answers = RawSip.answering(collect(udp::receive, 1000),
                    RawSip.callIdOf(options));
            assertThat(answers).extracting(RawSip.Response::status).containsExactly(200);
        }
        try (RawSip.Tcp tcp = new RawSip.Tcp(sip.port())) {
            tcp.send(RawSip.options("TCP", "127.0.0.1", tcp.port(), sip.port()).getBytes(StandardCharsets.UTF_8));
            assertThat(tcp.receive(5000)).map(RawSip.Response::status).contains(200);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(calls.liveCallCount()).as("live calls").isZero();
            assertThat(sip.activeCalls()).as("SIP calls").isZero();
            assertThat(sip.rtpPortsInUse()).as("RTP ports").isZero();
        });
        // Every transaction the messages opened ends (the slowest: an unacknowledged INVITE refusal
        // over UDP, Timer H = 32 s), and every connection they opened is closed by the server.
        await().atMost(Duration.ofSeconds(40)).until(() -> sip.serverTransactions() == 0);
        await().atMost(Duration.ofSeconds(15)).until(() -> sip.openTcpConnections() == 0);
    }

    static byte[] load(String name) throws IOException {
        try (InputStream in = SipTortureIT.class.getResourceAsStream("/sip-torture/" + name + ".dat")) {
            if (in == null) {
                throw new IllegalArgumentException("no torture message " + name);
            }
            return in.readAllBytes();
        }
    }
}
