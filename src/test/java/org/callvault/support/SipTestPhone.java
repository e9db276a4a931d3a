package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.callvault.media.G711;
import org.callvault.media.codec.G722Decoder;
import org.callvault.media.codec.G722Encoder;
import org.callvault.media.ToneGenerator;

/**
 * A SIP phone for tests that need every RTP packet under control: plain UDP for SIP (INVITE, ACK,
 * re-INVITE, BYE, answering the server's BYE) and for RTP (G.711 at 20 ms from a tone, with loss,
 * reordering or DTMF on demand), and a decoder of what the server sends back. Loopback only.
 * Real SIP clients (SIPp, baresip) test the signaling; this one tests the media path's details.
 */
public final class SipTestPhone implements AutoCloseable {

    private static final Pattern M_AUDIO = Pattern.compile("(?m)^m=audio (\\d+) ");
    private static final Pattern TO_TAG = Pattern.compile("(?mi)^To:.*;tag=([^;\\s]+)");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final DatagramSocket sip;
    private final DatagramSocket rtp;
    private final int serverSipPort;
    private final String callId = UUID.randomUUID().toString();
    private final String fromTag = Long.toHexString(System.nanoTime());
    private final BlockingQueue<String> responses = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream heard = new ByteArrayOutputStream();
    private final AtomicLong packetsHeard = new AtomicLong();
    private final AtomicLong packetsSent = new AtomicLong();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    private final Thread sipReader;
    private final Thread rtpReader;
    private volatile InetSocketAddress serverRtp;
    private volatile String toTag;
    private volatile int lastPayloadType = -1;
    private int cseq = 1;
    /** CSeq of the last INVITE sent: responses to earlier ones (retransmitted 200s) are not its answer. */
    private volatile int inviteCseq;
    private G711 law = G711.PCMU;
    /** G.722 instead of {@link #law}: wideband, 16 kHz audio on RTP's 8 kHz clock. */
    private volatile boolean wideband;
    private final G722Encoder g722Out = new G722Encoder();
    private final G722Decoder g722In = new G722Decoder();
    private ScheduledFuture<?> streaming;
    private int sequence = 1000;
    private long timestamp = 160_000;
    private final int ssrc = 0x5eed_0001;

    public SipTestPhone(int serverSipPort) throws SocketException {
        this.serverSipPort = serverSipPort;
        this.sip = new DatagramSocket(0, LOOPBACK);
        this.rtp = new DatagramSocket(0, LOOPBACK);
        this.sipReader = SipTestMessages.daemon("test-phone-sip", this::readSip);
        this.rtpReader = SipTestMessages.daemon("test-phone-rtp", this::readRtp);
    }

    public int rtpPort() {
        return rtp.getLocalPort();
    }

    /** Sends an INVITE offering {@code codec} (PCMU, PCMA or G722) and telephone-event/8000 as payload 101. */
    public void invite(String displayName, String number, String codec) throws IOException {
        this.law = codec.equals("PCMA") ? G711.PCMA : G711.PCMU;
        this.wideband = codec.equals("G722");
        inviteCseq = cseq;
        send(request("INVITE", cseq++, sdp("sendrecv", 1), displayName, number));
    }

    /** Waits for a final response to the INVITE; returns it. */
    public String awaitFinal(Duration within) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            String response = responses.poll(50, TimeUnit.MILLISECONDS);
            if (response != null && !response.startsWith("SIP/2.0 1")
                    && response.contains("CSeq: " + inviteCseq + " INVITE")) {
                if (response.startsWith("SIP/2.0 200")) {
                    Matcher m = M_AUDIO.matcher(response);
                    if (m.find()) {
                        serverRtp = new InetSocketAddress(LOOPBACK, Integer.parseInt(m.group(1)));
                    }
                    Matcher tag = TO_TAG.matcher(response);
                    if (tag.find()) {
                        toTag = tag.group(1);
                    }
                    send(request("ACK", inviteCseq, null, "Test", "1000"));
                }
                return response;
            }
        }
        throw new AssertionError("no final response within " + within);
    }

    /** A re-INVITE in the dialog with the given direction (sendonly: hold; sendrecv: resume); returns the 200. */
    public String reInvite(String direction, int sdpVersion) throws Exception {
        inviteCseq = cseq;
        send(request("INVITE", cseq++, sdp(direction, sdpVersion), "Test", "1000"));
        return awaitFinal(Duration.ofSeconds(5));
    }

    public void bye() throws IOException {
        send(request("BYE", cseq++, null, "Test", "1000"));
    }

    /** Waits for a request from the server (a BYE), already answered 200. */
    public String awaitRequest(Duration within) throws InterruptedException {
        String request = requests.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (request == null) {
            throw new AssertionError("no request from the server within " + within);
        }
        return request;
    }

    /**
     * Streams a tone as 20 ms G.711 packets; {@code dropPacket} says which packet numbers (0, 1, ...)
     * are not sent (simulated loss). Sequence numbers and timestamps advance for dropped ones too.
     */
    public void streamTone(double frequency, LongPredicate dropPacket) {
        ToneGenerator tone = new ToneGenerator(heardRate(), frequency, 8_000);
        AtomicLong index = new AtomicLong();
        streaming = pacer.scheduleAtFixedRate(() -> {
            long n = index.getAndIncrement();
            byte[] packet = new byte[12 + 160];
            if (wideband) {
                g722Out.encode(tone.generate(n * 320, 320), 0, 320, packet, 12); // 320 samples, 160 bytes, 160 units
            }
            else {
                law.encode(tone.generate(n * 160, 160), 0, 160, packet, 12);
            }
            synchronized (this) {
                header(packet, wideband ? 9 : law.payloadType(), n == 0, sequence++, timestamp);
                timestamp += 160;
            }
            if (!dropPacket.test(n)) {
                sendRtp(packet);
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
    }

    public void stopStreaming() {
        if (streaming != null) {
            streaming.cancel(false);
        }
    }

    /** Sends an RFC 4733 event for {@code digit} (0-9): three updates, then the end packet three times. */
    public synchronized void sendDigit(int digit) {
        long start = timestamp;
        for (int i = 1; i <= 6; i++) {
            boolean end = i >= 4;
            int duration = Math.min(i, 4) * 160;
            byte[] packet = new byte[12 + 4];
            header(packet, 101, i == 1, sequence++, start);
            packet[12] = (byte) digit;
            packet[13] = (byte) ((end ? 0x80 : 0) | 10);
            packet[14] = (byte) (duration >>> 8);
            packet[15] = (byte) duration;
            sendRtp(packet);
        }
    }

    /** Sends raw bytes to the server's RTP port from this phone's RTP socket (or none yet: no-op). */
    public void sendRtp(byte[] packet) {
        InetSocketAddress to = serverRtp;
        if (to == null) {
            return;
        }
        try {
            rtp.send(new DatagramPacket(packet, packet.length, to));
            packetsSent.incrementAndGet();
        }
        catch (IOException e) {
            // closing
        }
    }

    public InetSocketAddress serverRtp() {
        return serverRtp;
    }

    /** Every sample decoded from the server's RTP, in arrival order. */
    public short[] heardSamples() {
        byte[] bytes;
        synchronized (heard) {
            bytes = heard.toByteArray();
        }
        short[] samples = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        return samples;
    }

    /** The rate of {@link #heardSamples()} and of what {@link #streamTone} sends: 16 kHz with G.722. */
    public int heardRate() {
        return wideband ? 16_000 : 8_000;
    }

    public long packetsHeard() {
        return packetsHeard.get();
    }

    public int lastPayloadType() {
        return lastPayloadType;
    }

    public void awaitPacketsHeard(long count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> packetsHeard.get() >= count);
    }

    @Override
    public void close() {
        stopStreaming();
        pacer.shutdownNow();
        sip.close();
        rtp.close();
    }


    private static void header(byte[] packet, int payloadType, boolean marker, int sequence, long timestamp) {
        ByteBuffer b = ByteBuffer.wrap(packet);
        b.put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | payloadType)).putShort((short) sequence)
                .putInt((int) timestamp).putInt(0x5eed_0001);
    }

    private String sdp(String direction, int version) {
        String codec = wideband ? "9 G722" : law == G711.PCMA ? "8 PCMA" : "0 PCMU";
        int payload = wideband ? 9 : law.payloadType();
        return "v=0\r\no=test 1 " + version + " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + rtp.getLocalPort() + " RTP/AVP " + payload + " 101\r\n"
                + "a=rtpmap:" + codec + "/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-15\r\na=ptime:20\r\na=" + direction + "\r\n";
    }

    private String request(String method, int number, String body, String displayName, String user) {
        String target = "sip:agents@127.0.0.1:" + serverSipPort;
        StringBuilder m = new StringBuilder()
                .append(method).append(' ').append(target).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/UDP 127.0.0.1:").append(sip.getLocalPort()).append(";branch=z9hG4bK")
                .append(Long.toHexString(System.nanoTime())).append("\r\n")
                .append("From: \"").append(displayName).append("\" <sip:").append(user).append("@127.0.0.1>;tag=")
                .append(fromTag).append("\r\n")
                .append("To: <sip:agents@127.0.0.1>").append(toTag == null ? "" : ";tag=" + toTag).append("\r\n")
                .append("Call-ID: ").append(callId).append("\r\n")
                .append("CSeq: ").append(number).append(' ').append(method).append("\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("Contact: <sip:").append(user).append("@127.0.0.1:").append(sip.getLocalPort()).append(">\r\n");
        if (body != null) {
            m.append("Content-Type: application/sdp\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        m.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
        if (body != null) {
            m.append(body);
        }
        return m.toString();
    }

    private void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        sip.send(new DatagramPacket(bytes, bytes.length, LOOPBACK, serverSipPort));
    }

    private void readSip() {
        byte[] buffer = new byte[65_536];
        while (!sip.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                sip.receive(packet);
                String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                if (text.startsWith("SIP/2.0 ")) {
                    responses.add(text);
                }
                else if (!text.startsWith("ACK ")) {
                    byte[] ok = SipTestMessages.ok(text).getBytes(StandardCharsets.UTF_8);
                    sip.send(new DatagramPacket(ok, ok.length, packet.getSocketAddress()));
                    requests.add(text);
                }
            }
            catch (IOException e) {
                return;
            }
        }
    }


    private void readRtp() {
        byte[] buffer = new byte[2048];
        while (!rtp.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                rtp.receive(packet);
                int length = packet.getLength();
                if (length <= 12 || (buffer[1] & 0xFF) >= 192 && (buffer[1] & 0xFF) <= 223) {
                    continue; // RTCP on the RTP port, or nothing
                }
                int payloadType = buffer[1] & 0x7F;
                lastPayloadType = payloadType;
                short[] samples;
                if (payloadType == 9) {
                    samples = new short[2 * (length - 12)];
                    g722In.decode(buffer, 12, length - 12, samples, 0);
                }
                else {
                    samples = new short[length - 12];
                    G711.forPayloadType(payloadType).decode(buffer, 12, length - 12, samples, 0);
                }
                byte[] pcm = new byte[samples.length * 2];
                ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(samples);
                synchronized (heard) {
                    heard.writeBytes(pcm);
                }
                packetsHeard.incrementAndGet();
            }
            catch (IOException | RuntimeException e) {
                if (rtp.isClosed()) {
                    return;
                }
            }
        }
    }
}
