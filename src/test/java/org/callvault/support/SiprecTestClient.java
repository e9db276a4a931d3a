package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.callvault.media.G711;
import org.callvault.media.ToneGenerator;
import org.callvault.media.codec.AudioEncoder;
import org.callvault.media.codec.G722Encoder;
import org.callvault.media.codec.OpusCodec;

/**
 * A session recording client (the SBC side of SIPREC) for tests: replays a vendor-shaped INVITE
 * fixture against CallVault over UDP or TCP, with its addresses and ports rewritten to this
 * client's sockets, then streams one tone per recorded stream as real RTP and ends with BYE.
 * Loopback only.
 */
public final class SiprecTestClient implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern DOC_ADDRESS = Pattern.compile("\\b(192\\.0\\.2|198\\.51\\.100|203\\.0\\.113)\\.\\d{1,3}\\b");
    private static final Pattern M_AUDIO = Pattern.compile("(?m)^m=audio (\\d+) [^ ]+ (\\d+)");
    private static final Pattern TO_TAG = Pattern.compile("(?mi)^To:.*;tag=([^;\\s]+)");

    private final int serverPort;
    private final boolean tcp;
    private final DatagramSocket udp;
    private final Socket stream;
    private final List<DatagramSocket> rtp = new ArrayList<>();
    private final BlockingQueue<String> responses = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    private final String callId = UUID.randomUUID() + "@siprec.test";
    private final AtomicLong packetsSent = new AtomicLong();
    /** Per stream: 20 ms frames sent (the RTP clock) and RTP sequence numbers, shared by audio and DTMF. */
    private final List<AtomicLong> frames = List.of(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong());
    private final List<AtomicLong> sequences = List.of(new AtomicLong(), new AtomicLong(), new AtomicLong(),
            new AtomicLong());
    private String fromTag = "src" + Long.toHexString(System.nanoTime());
    private String toTag;
    private String headersTemplate;
    private String body;
    private int cseq = 101;
    private List<Integer> answeredPorts = List.of();
    private List<Integer> answeredPayloads = List.of();
    private String answeredSdp = "";

    public SiprecTestClient(int serverPort, boolean tcp, int streams) throws IOException {
        this.serverPort = serverPort;
        this.tcp = tcp;
        if (tcp) {
            this.stream = new Socket(LOOPBACK, serverPort);
            this.udp = null;
            SipTestMessages.daemon("siprec-tcp", this::readTcp);
        }
        else {
            this.udp = new DatagramSocket(0, LOOPBACK);
            this.stream = null;
            SipTestMessages.daemon("siprec-udp", this::readUdp);
        }
        for (int i = 0; i < streams; i++) {
            rtp.add(new DatagramSocket(0, LOOPBACK));
        }
    }

    public String callId() {
        return callId;
    }

    /** Sends the fixture's INVITE, rewritten for this client; returns the final response (ACKed if 2xx). */
    public String invite(Path fixture) throws Exception {
        return invite(Files.readString(fixture, StandardCharsets.UTF_8));
    }

    /** As {@link #invite(Path)}, for a whole INVITE the test made (e.g. a fixture with a hostile part). */
    public String invite(String message) throws Exception {
        int split = message.indexOf("\r\n\r\n");
        headersTemplate = message.substring(0, split);
        body = rewriteBody(message.substring(split + 4));
        return sendInvite(body);
    }

    /** A re-INVITE in the dialog with the same body, {@code from} replaced by {@code to} (e.g. inactive → sendonly). */
    public String reInvite(String from, String to) throws Exception {
        body = body.replace(from, to);
        return sendInvite(body);
    }

    /**
     * An UPDATE in the dialog (RFC 3311) with the session's body, {@code from} replaced by
     * {@code to} (e.g. sendonly → inactive, a pause); returns the final response.
     */
    public String updateBody(String from, String to) throws Exception {
        body = body.replace(from, to);
        return update(null, body);
    }

    /** An UPDATE with this body of this type (null: the fixture's Content-Type); returns the final response. */
    public String update(String contentType, String content) throws Exception {
        int number = cseq++;
        send(request("UPDATE", number, content, contentType));
        return awaitFinal(number + " UPDATE");
    }

    public List<Integer> answeredPorts() {
        return answeredPorts;
    }

    /** Streams a tone per recorded stream (stream i gets {@code frequencies[i]}), 20 ms packets. */
    public void streamTones(double... frequencies) {
        for (int i = 0; i < answeredPorts.size() && i < frequencies.length; i++) {
            int port = answeredPorts.get(i);
            if (port == 0) {
                continue;
            }
            DatagramSocket socket = rtp.get(i);
            int payloadType = answeredPayloads.get(i);
            StreamEncoder encoder = encoderFor(payloadType);
            ToneGenerator tone = new ToneGenerator(encoder.sampleRate, frequencies[i], 8_000);
            AtomicLong n = frames.get(i);
            AtomicLong sequence = sequences.get(i);
            int ssrc = 0x51c0_0000 + i;
            pacer.scheduleAtFixedRate(() -> {
                long k = n.getAndIncrement();
                byte[] frame = new byte[OpusCodec.MAX_PACKET];
                int samples = encoder.sampleRate / 50;
                int length = encoder.encode(tone.generate(k * samples, samples), frame);
                byte[] packet = new byte[12 + length];
                ByteBuffer.wrap(packet).put((byte) 0x80).put((byte) payloadType)
                        .putShort((short) sequence.getAndIncrement()).putInt((int) (k * encoder.unitsPerFrame))
                        .putInt(ssrc);
                System.arraycopy(frame, 0, packet, 12, length);
                try {
                    socket.send(new DatagramPacket(packet, packet.length, new InetSocketAddress(LOOPBACK, port)));
                    packetsSent.incrementAndGet();
                }
                catch (IOException e) {
                    // closing
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * What a stream is encoded with, from the answer's rtpmap for its payload: G.711, G.722 (16 kHz
     * audio on an 8 kHz RTP clock) or Opus (48 kHz, with the library the server uses).
     */
    private StreamEncoder encoderFor(int payloadType) {
        Matcher map = Pattern.compile("(?mi)^a=rtpmap:" + payloadType + " ([^/\\s]+)/").matcher(answeredSdp);
        String name = map.find() ? map.group(1).toUpperCase(java.util.Locale.ROOT)
                : payloadType == 9 ? "G722" : payloadType == 8 ? "PCMA" : "PCMU";
        return switch (name) {
            case "G722" -> {
                G722Encoder g722 = new G722Encoder();
                yield new StreamEncoder(16_000, 160, (pcm, out) -> g722.encode(pcm, 0, pcm.length, out, 0));
            }
            case "OPUS" -> {
                AudioEncoder opus = OpusCodec.newEncoder(32_000);
                yield new StreamEncoder(48_000, 960, (pcm, out) -> opus.encode(pcm, 0, pcm.length, out, 0));
            }
            default -> {
                G711 law = name.equals("PCMA") ? G711.PCMA : G711.PCMU;
                yield new StreamEncoder(8_000, 160, (pcm, out) -> {
                    law.encode(pcm, 0, pcm.length, out, 0);
                    return pcm.length;
                });
            }
        };
    }

    /** One stream's encoder: 20 ms of PCM at {@code sampleRate} to one payload; the RTP clock moves {@code unitsPerFrame}. */
    private record StreamEncoder(int sampleRate, int unitsPerFrame, java.util.function.ToIntBiFunction<short[], byte[]> encoder) {

        int encode(short[] pcm, byte[] out) {
            return encoder.applyAsInt(pcm, out);
        }
    }

    /**
     * Sends an RFC 4733 event for {@code digit} (0-9) on stream {@code stream} (payload 101, as the
     * fixtures offer): three updates and the end packet three times, at the stream's current time.
     */
    public void sendDigit(int stream, int digit) throws IOException {
        long start = frames.get(stream).get() * 160;
        for (int i = 1; i <= 6; i++) {
            int duration = Math.min(i, 4) * 160;
            byte[] packet = new byte[16];
            ByteBuffer.wrap(packet).put((byte) 0x80).put((byte) ((i == 1 ? 0x80 : 0) | 101))
                    .putShort((short) sequences.get(stream).getAndIncrement()).putInt((int) start)
                    .putInt(0x51c0_0000 + stream).put((byte) digit).put((byte) ((i >= 4 ? 0x80 : 0) | 10))
                    .putShort((short) duration);
            rtp.get(stream).send(new DatagramPacket(packet, packet.length,
                    new InetSocketAddress(LOOPBACK, answeredPorts.get(stream))));
        }
    }

    public long packetsSent() {
        return packetsSent.get();
    }

    public void stopStreaming() {
        pacer.shutdownNow();
    }

    /** BYE; returns the response. */
    public String bye() throws Exception {
        int number = cseq++;
        send(request("BYE", number, null));
        return awaitFinal(number + " BYE");
    }

    /** The raw request CallVault sent last that is not a response (e.g. its BYE after a media timeout). */
    public String awaitServerRequest(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            String message = responses.poll(50, TimeUnit.MILLISECONDS);
            if (message != null && !message.startsWith("SIP/2.0")) {
                return message;
            }
        }
        throw new AssertionError("no request from the server within " + within);
    }

    @Override
    public void close() {
        pacer.shutdownNow();
        rtp.forEach(DatagramSocket::close);
        try {
            if (stream != null) {
                stream.close();
            }
        }
        catch (IOException ignored) {
            // closing
        }
        if (udp != null) {
            udp.close();
        }
    }

    private String sendInvite(String sdpBody) throws Exception {
        int number = cseq++;
        send(request("INVITE", number, sdpBody));
        String response = awaitFinal(number + " INVITE");
        if (response.startsWith("SIP/2.0 200")) {
            Matcher tag = TO_TAG.matcher(response);
            if (tag.find()) {
                toTag = tag.group(1);
            }
            List<Integer> ports = new ArrayList<>();
            List<Integer> payloads = new ArrayList<>();
            Matcher m = M_AUDIO.matcher(response.substring(response.indexOf("\r\n\r\n")));
            while (m.find()) {
                ports.add(Integer.parseInt(m.group(1)));
                payloads.add(Integer.parseInt(m.group(2)));
            }
            answeredPorts = ports;
            answeredPayloads = payloads;
            answeredSdp = response.substring(response.indexOf("\r\n\r\n"));
            send(request("ACK", number, null));
        }
        return response;
    }

    private String rewriteBody(String original) {
        String rewritten = DOC_ADDRESS.matcher(original).replaceAll("127.0.0.1");
        Matcher m = Pattern.compile("(?m)^m=audio \\d+").matcher(rewritten);
        StringBuilder out = new StringBuilder();
        int index = 0;
        while (m.find()) {
            int port = index < rtp.size() ? rtp.get(index).getLocalPort() : 9;
            m.appendReplacement(out, "m=audio " + port);
            index++;
        }
        m.appendTail(out);
        return out.toString();
    }

    private String request(String method, int number, String content) {
        return request(method, number, content, null);
    }

    private String request(String method, int number, String content, String contentType) {
        String transport = tcp ? "TCP" : "UDP";
        int localPort = tcp ? stream.getLocalPort() : udp.getLocalPort();
        StringBuilder message = new StringBuilder()
                .append(method).append(" sip:srs@127.0.0.1:").append(serverPort).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/").append(transport).append(" 127.0.0.1:").append(localPort)
                .append(";branch=z9hG4bK").append(Long.toHexString(System.nanoTime())).append("\r\n")
                .append("From: <sip:src@127.0.0.1>;tag=").append(fromTag).append("\r\n")
                .append("To: <sip:srs@127.0.0.1>").append(toTag == null ? "" : ";tag=" + toTag).append("\r\n")
                .append("Call-ID: ").append(callId).append("\r\n")
                .append("CSeq: ").append(number).append(' ').append(method).append("\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("Contact: <sip:src@127.0.0.1:").append(localPort).append(tcp ? ";transport=tcp" : "")
                .append(">;+sip.src\r\n");
        if (contentType != null) {
            message.append("Content-Type: ").append(contentType).append("\r\n");
        }
        else if (content != null) {
            // The fixture's own headers that describe the body (Content-Type, Require, ...), as the vendor sent them.
            for (String line : headersTemplate.split("\r\n")) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-type:") || lower.startsWith("require:") || lower.startsWith("mime-version:")
                        || lower.startsWith("supported:") || lower.startsWith("user-agent:")) {
                    message.append(line).append("\r\n");
                }
            }
        }
        byte[] bytes = content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8);
        message.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
        if (content != null) {
            message.append(content);
        }
        return message.toString();
    }

    private void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (tcp) {
            OutputStream out = stream.getOutputStream();
            out.write(bytes);
            out.flush();
        }
        else {
            udp.send(new DatagramPacket(bytes, bytes.length, LOOPBACK, serverPort));
        }
    }

    private String awaitFinal(String cseqValue) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            String message = responses.poll(50, TimeUnit.MILLISECONDS);
            if (message != null && message.startsWith("SIP/2.0 ") && !message.startsWith("SIP/2.0 1")
                    && message.contains("CSeq: " + cseqValue)) {
                return message;
            }
        }
        throw new AssertionError("no final response to " + cseqValue + " within 5 s");
    }

    private void readUdp() {
        byte[] buffer = new byte[65_536];
        while (!udp.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                received(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
            }
            catch (IOException e) {
                return;
            }
        }
    }

    private void readTcp() {
        try (InputStream in = stream.getInputStream()) {
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int read;
            while ((read = in.read(chunk)) >= 0) {
                pending.write(chunk, 0, read);
                String text = pending.toString(StandardCharsets.UTF_8);
                int end;
                while ((end = text.indexOf("\r\n\r\n")) >= 0) {
                    Matcher length = Pattern.compile("(?mi)^(Content-Length|l):\\s*(\\d+)").matcher(text.substring(0, end));
                    int bodyLength = length.find() ? Integer.parseInt(length.group(2)) : 0;
                    if (text.length() < end + 4 + bodyLength) {
                        break;
                    }
                    received(text.substring(0, end + 4 + bodyLength).replaceFirst("^(\r\n)+", ""));
                    text = text.substring(end + 4 + bodyLength);
                }
                pending.reset();
                pending.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            }
        }
        catch (IOException e) {
            // closed
        }
    }

    private void received(String message) {
        if (!message.startsWith("SIP/2.0") && !message.startsWith("ACK ")) {
            try {
                send(SipTestMessages.ok(message));
            }
            catch (IOException e) {
                // closing
            }
        }
        responses.add(message);
    }



    /** Waits until {@code count} packets went out. */
    public void awaitPacketsSent(long count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> packetsSent.get() >= count);
    }
}
