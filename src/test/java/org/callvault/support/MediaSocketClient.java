package org.callvault.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.callvault.media.MediaFrame;

/**
 * A real client of {@code /ws/media}: sends 20 ms frames of a signal paced by the clock, like a
 * browser's audio thread, and keeps every sample it receives.
 */
public class MediaSocketClient implements WebSocket.Listener, AutoCloseable {

    /** Fills {@code samples} with the signal starting at sample index {@code start}. */
    @FunctionalInterface
    public interface Signal {
        void fill(short[] samples, long start);
    }

    private final ByteArrayOutputStream receivedPcm = new ByteArrayOutputStream();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile Throwable closeError;
    private final StringBuilder texts = new StringBuilder();
    private final java.util.List<byte[]> frames = new java.util.ArrayList<>();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong framesSent = new AtomicLong();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    private final int samplesPerFrame;
    private WebSocket socket;
    private ScheduledFuture<?> streaming;
    private long sequence;
    private long timestamp;

    private MediaSocketClient(int samplesPerFrame) {
        this.samplesPerFrame = samplesPerFrame;
    }

    public static MediaSocketClient open(int port, String url, int samplesPerFrame) {
        return open(Endpoint.local(port), url, samplesPerFrame);
    }

    public static MediaSocketClient open(Endpoint endpoint, String url, int samplesPerFrame) {
        MediaSocketClient client = new MediaSocketClient(samplesPerFrame);
        client.socket = endpoint.client().build().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(endpoint.ws(url), client).join();
        return client;
    }

    /** Starts sending one frame every {@code frameMillis}, forever (until {@link #stopStreaming}). */
    public void stream(Signal signal, int frameMillis) {
        streaming = pacer.scheduleAtFixedRate(() -> sendFrame(signal), 0, frameMillis, TimeUnit.MILLISECONDS);
    }

    public void stopStreaming() {
        if (streaming != null) {
            streaming.cancel(false);
        }
    }

    public synchronized void sendFrame(Signal signal) {
        short[] samples = new short[samplesPerFrame];
        signal.fill(samples, timestamp);
        sendRaw(frame(sequence++, timestamp, samples));
        timestamp += samplesPerFrame;
        framesSent.incrementAndGet();
    }

    public static byte[] frame(long sequence, long timestamp, short[] samples) {
        ByteBuffer buffer = ByteBuffer.allocate(MediaFrame.HEADER_BYTES + samples.length * 2);
        MediaFrame.writeHeader(buffer.array(), sequence, timestamp);
        buffer.position(MediaFrame.HEADER_BYTES);
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        for (short s : samples) {
            buffer.putShort(s);
        }
        return buffer.array();
    }

    public void sendRaw(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    public void sendText(String text) {
        socket.sendText(text, true).join();
    }

    public long framesReceived() {
        return framesReceived.get();
    }

    public long framesSent() {
        return framesSent.get();
    }

    public synchronized String texts() {
        return texts.toString();
    }

    /** Every received sample, in arrival order. */
    public short[] receivedSamples() {
        byte[] bytes;
        synchronized (receivedPcm) {
            bytes = receivedPcm.toByteArray();
        }
        short[] samples = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        return samples;
    }

    /** Every received frame, header included, in arrival order (an Opus listener's packets). */
    public java.util.List<byte[]> receivedFrames() {
        synchronized (receivedPcm) {
            return java.util.List.copyOf(frames);
        }
    }

    /** Sends {@code frames} one every {@code frameMillis}, then stops (a pre-encoded stream). */
    public void streamFrames(java.util.List<byte[]> frames, int frameMillis) {
        java.util.Iterator<byte[]> next = frames.iterator();
        streaming = pacer.scheduleAtFixedRate(() -> {
            if (next.hasNext()) {
                sendRaw(next.next());
                framesSent.incrementAndGet();
            }
        }, 0, frameMillis, TimeUnit.MILLISECONDS);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public int closeCode() {
        return closed.join();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        partial.writeBytes(chunk);
        if (last) {
            byte[] frame = partial.toByteArray();
            partial.reset();
            synchronized (receivedPcm) {
                receivedPcm.write(frame, MediaFrame.HEADER_BYTES, frame.length - MediaFrame.HEADER_BYTES);
                frames.add(frame);
            }
            framesReceived.incrementAndGet();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        synchronized (this) {
            texts.append(data);
            if (last) {
                texts.append('\n');
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        stopStreaming();
        return null;
    }

    /** Why the socket failed (the close code is then -1), or null. */
    public Throwable closeError() {
        return closeError;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeError = error;
        closed.complete(-1);
        stopStreaming();
    }

    /** Starts the close handshake with 1000, as the browser does when its call ends. */
    public void closeNormally() {
        stopStreaming();
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "call over");
    }

    @Override
    public void close() {
        stopStreaming();
        pacer.shutdownNow();
        if (!closed.isDone()) {
            socket.abort();
        }
    }
}
