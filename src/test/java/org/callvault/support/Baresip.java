package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.callvault.media.ToneGenerator;

/**
 * The real baresip softphone (Debian's baresip 1.0.0) as a SIP caller, headless and confined to
 * loopback: a fresh config directory per instance, a WAV file of a tone as its microphone
 * ({@code aufile}), what it hears written to a WAV ({@code sndfile}'s decoder-side dump), PCMU/PCMA
 * and RFC 4733 telephone-events, driven through its {@code stdio} UI on a pipe.
 *
 * <p>Why these modules: baresip 1.0's {@code aufile} is a source only (no player), so nothing
 * plays; the receive path still decodes every packet and the {@code sndfile} filter sits after the
 * decoder, which makes its {@code dump-*-dec.wav} exactly what the phone heard. With no player
 * module loaded, baresip opens no audio device at all.
 *
 * <p>Confinement: SIP listens on {@code 127.0.0.1:0} (UDP, TCP and TLS each on a port the kernel
 * picks, so instances never collide), RTP binds the call's local address (loopback), the account
 * has {@code regint=0} (never registers), no NAT or STUN module is loaded, and {@link #dial} accepts
 * only loopback URIs with a port, so nothing is ever resolved. The one socket baresip opens on the
 * wildcard address is its DNS client's, which sends nothing when every URI is a literal address;
 * its server is pointed at 127.0.0.1 anyway. {@code -t} makes an orphan (a killed JVM) quit on its own.
 *
 * <p>Every wait polls baresip's log (its UI output plus the {@code -s} SIP trace) with Awaitility.
 */
public final class Baresip implements AutoCloseable {

    /** baresip's aufile requires the source file at the codec's rate: G.711 is 8 kHz mono. */
    public static final int SAMPLE_RATE = 8000;
    public static final String CALLER_NAME = "Ada Baresip";
    public static final String CALLER_NUMBER = "+15550001111";

    /** aufile ends the call when its file runs out ("audio error (0,end of file)"): longer than any test call. */
    static final Duration TONE_LENGTH = Duration.ofSeconds(60);
    /** baresip {@code -t}: quits by itself after this long, should the test JVM die without closing it. */
    static final Duration LIFETIME = Duration.ofMinutes(5);
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** Loopback only, with an explicit port: a host name would need DNS, another address the network. */
    private static final Pattern LOOPBACK_URI = Pattern.compile(
            "sip:[A-Za-z0-9._+\\-]{1,64}@127(\\.\\d{1,3}){3}:\\d{1,5}(;transport=(udp|tcp))?");
    /** RFC 4733 events 0-15; baresip sends each as telephone-events. */
    private static final Pattern DIGITS = Pattern.compile("[0-9*#A-D]{1,32}");
    /** A libre SIP trace header: transport, source, destination, then the start line. */
    private static final Pattern TRACE = Pattern.compile(
            "^(UDP|TCP|TLS) (\\S+) -> (\\S+)\\r?\\n(.*?)\\r?\\n(.*?)\\r?\\n\\r?\\n", Pattern.MULTILINE | Pattern.DOTALL);
    private static final String CLOSED_BY_PEER = ": session closed: ";
    private static final String CLOSED_HERE = " terminated (duration: ";
    private static final Pattern CSEQ = Pattern.compile("^CSeq: *\\d+ +(\\S+)", Pattern.MULTILINE);

    private final Process process;
    private final Path dir;
    private final Path log;
    private final Path heard;
    private final OutputStream commands;

    private Baresip(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
        this.log = dir.resolve("baresip.log");
        this.heard = dir.resolve("heard");
        this.commands = process.getOutputStream();
    }

    /** Starts one softphone whose microphone plays a 440 Hz tone. */
    public static Baresip start(Path workDir) throws IOException {
        return start(workDir, 440);
    }

    /** Starts one softphone in a new directory under {@code workDir}, its microphone playing {@code toneHz}. */
    public static Baresip start(Path workDir, double toneHz) throws IOException {
        Path dir = Files.createTempDirectory(workDir, "baresip");
        Path tone = dir.resolve("microphone.wav");
        writeTone(tone, toneHz);
        Files.createDirectories(dir.resolve("heard"));
        Files.writeString(dir.resolve("config"), config(tone, dir.resolve("heard")), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("accounts"), "\"" + CALLER_NAME + "\" <sip:" + CALLER_NUMBER
                + "@127.0.0.1>;regint=0;answermode=manual;audio_codecs=PCMU,PCMA;ptime=20\n", StandardCharsets.UTF_8);
        // stdbuf: baresip prints through C stdio, which buffers a file's output in 4 KiB blocks; the
        // last messages of a call (a BYE's 200, "terminated") could sit unseen in the buffer.
        Process process = new ProcessBuilder("stdbuf", "-o0", "-e0", "baresip", "-f", dir.toString(), "-4", "-s", "-t",
                String.valueOf(LIFETIME.toSeconds())).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("baresip.log").toFile()).start();
        Baresip baresip = new Baresip(process, dir);
        try {
            baresip.awaitLog("baresip is ready.");
        }
        catch (RuntimeException | Error e) {
            baresip.close();
            throw e;
        }
        return baresip;
    }

    /**
     * The whole configuration: only what a headless G.711 caller needs. {@code stdio} reads
     * commands from our pipe; {@code menu} gives the commands; {@code account} reads the accounts
     * file; no player module, so no audio device is opened.
     */
    static String config(Path microphone, Path heardDir) {
        return String.join("\n",
                "poll_method epoll",
                "sip_listen 127.0.0.1:0",
                "net_interface 127.0.0.1",
                "dns_server 127.0.0.1:53",
                "call_local_timeout 30",
                "call_max_calls 1",
                "audio_source aufile," + microphone,
                "audio_buffer 20-160",
                "rtp_ports 30000-39999",
                "rtp_timeout 0",
                "snd_path " + heardDir,
                "statmode_default off",
                "ringback_disabled yes",
                "module_path /usr/lib/baresip/modules",
                "module stdio.so",
                "module g711.so",
                "module aufile.so",
                "module sndfile.so",
                "module_app account.so",
                "module_app menu.so",
                "");
    }

    /** 8 kHz mono PCM16, the canonical 44-byte header, {@link #TONE_LENGTH} long. */
    static void writeTone(Path file, double hz) throws IOException {
        int samples = (int) (SAMPLE_RATE * TONE_LENGTH.toSeconds());
        short[] pcm = new ToneGenerator(SAMPLE_RATE, hz, 8000).generate(0, samples);
        ByteBuffer wav = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(SAMPLE_RATE).putInt(SAMPLE_RATE * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
        for (short s : pcm) {
            wav.putShort(s);
        }
        Files.write(file, wav.array());
    }

    /** Calls {@code uri} (loopback only, e.g. {@code sip:agents@127.0.0.1:5060}); returns once the INVITE is out. */
    public void dial(String uri) {
        if (!LOOPBACK_URI.matcher(uri).matches()) {
            throw new IllegalArgumentException("baresip may dial only sip:user@127.x.x.x:port, got " + uri);
        }
        command("/dial " + uri);
        awaitLog("call: connecting to '" + uri + "'");
    }

    /** Sends {@code digits} as RFC 4733 telephone-events in the established call; returns once the last one ended. */
    public void sendDtmf(String digits) {
        if (!DIGITS.matcher(digits).matches()) {
            throw new IllegalArgumentException("DTMF digits are 1 to 32 of 0-9 * # A-D, got " + digits);
        }
        command("/sndcode " + digits);
        awaitLog("send DTMF digit end: '" + digits.charAt(digits.length() - 1) + "'");
    }

    /** Ends the call with BYE (or CANCEL while it rings); returns once baresip reports it terminated. */
    public void hangUp() {
        command("/hangup");
        awaitLog(CLOSED_HERE);
    }

    /** The 180 Ringing arrived. */
    public void awaitRinging() {
        awaitLog("SIP Progress: 180 ");
    }

    /** The 200 OK arrived and was ACKed: the call is up. */
    public void awaitEstablished() {
        awaitLog("Call established: ");
    }

    /**
     * The call is over, whoever ended it. baresip 1.0 logs "session closed: <reason>" when the
     * peer ends the call (a BYE is "Connection reset by peer") or it fails, and "terminated
     * (duration: ...)" when it hangs up itself; after a peer's BYE the second line may never come.
     */
    public void awaitCallClosed() {
        awaitLog(CLOSED_BY_PEER, CLOSED_HERE);
    }

    /** Waits until baresip has sent at least {@code length} of its tone in the call. */
    public void awaitTalked(Duration length) {
        long bytes = 44 + length.toMillis() * SAMPLE_RATE / 1000 * 2;
        await().atMost(TIMEOUT.plus(length)).until(() -> sizeOf(dump("enc")) >= bytes);
    }

    /** The start lines of the SIP requests baresip received (e.g. {@code BYE sip:...}), in order. */
    public List<String> requestsReceived() {
        return trace(true).stream().map(Message::startLine).filter(l -> !l.startsWith("SIP/2.0")).toList();
    }

    /** Responses baresip sent or received, as {@code "<status line> / <CSeq method>"}. */
    public List<String> responses(boolean received) {
        return trace(received).stream().filter(m -> m.startLine().startsWith("SIP/2.0"))
                .map(m -> m.startLine() + " / " + m.cseqMethod()).toList();
    }

    /** What the phone heard (decoded, before any player): 8 kHz mono PCM16. */
    public Path heardWav() {
        Path file = dump("dec");
        if (file == null) {
            throw new IllegalStateException("baresip wrote no heard audio (no call set up media)\n" + logs());
        }
        return file;
    }

    /** baresip's output: its UI's messages and the SIP trace. */
    public String logs() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        }
        catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public Path directory() {
        return dir;
    }

    /** Kills the process (always: a phone left running would hold ports and keep calling). */
    @Override
    public void close() {
        try {
            commands.close();
        }
        catch (IOException ignored) {
            // the process may be gone already
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void command(String line) {
        if (!process.isAlive()) {
            throw new IllegalStateException("baresip exited with " + process.exitValue() + "\n" + logs());
        }
        try {
            commands.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
        }
        catch (IOException e) {
            throw new UncheckedIOException("baresip's stdin closed\n" + logs(), e);
        }
    }

    /** Waits for any of {@code texts} in the log; fails at once, with the log, when baresip exits. */
    private void awaitLog(String... texts) {
        List<String> wanted = List.of(texts);
        try {
            await().atMost(TIMEOUT).until(() -> logged(wanted) || !process.isAlive());
        }
        catch (ConditionTimeoutException e) {
            throw new AssertionError("baresip did not log " + wanted + " within " + TIMEOUT + "\n" + logs(), e);
        }
        if (!logged(wanted)) {
            throw new AssertionError("baresip exited before logging " + wanted + "\n" + logs());
        }
    }

    private boolean logged(List<String> texts) {
        String text = logs();
        return texts.stream().anyMatch(text::contains);
    }

    /** The newest sndfile dump of one direction ("enc": what it sent, "dec": what it heard), or null. */
    private Path dump(String direction) {
        try (Stream<Path> files = Files.list(heard)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-" + direction + ".wav")).sorted()
                    .reduce((first, second) -> second).orElse(null);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long sizeOf(Path file) throws IOException {
        return file == null || !Files.exists(file) ? 0 : Files.size(file);
    }

    private record Message(String startLine, String cseqMethod) {
    }

    /**
     * The SIP trace ({@code -s}): messages baresip received ({@code received}) or sent. Its own
     * address is the source of the first message it sent, which is its INVITE as the caller.
     */
    private List<Message> trace(boolean received) {
        String text = logs().replaceAll("\u001B\\[[0-9;]*m", "");
        Matcher m = TRACE.matcher(text);
        List<String[]> blocks = new ArrayList<>();
        while (m.find()) {
            String body = text.substring(m.start(4), Math.min(text.length(), m.end()));
            blocks.add(new String[] { m.group(2), m.group(3), m.group(4), body });
        }
        String self = blocks.stream().filter(b -> b[2].startsWith("INVITE ")).map(b -> b[0]).findFirst().orElse(null);
        List<Message> messages = new ArrayList<>();
        for (String[] b : blocks) {
            boolean toSelf = b[1].equals(self);
            if (self != null && toSelf == received) {
                Matcher cseq = CSEQ.matcher(b[3]);
                messages.add(new Message(b[2].strip(), cseq.find() ? cseq.group(1) : "?"));
            }
        }
        return messages;
    }
}
