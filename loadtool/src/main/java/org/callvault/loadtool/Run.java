package org.callvault.loadtool;

import io.netty.channel.EventLoop;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** State shared by the whole run. Hot-path data lives per event loop ({@link LoopState}). */
final class Run {

    /** What the server announced in {@code welcome.media}. */
    record MediaConfig(String path, int version, int sampleRate, int frameMillis, int samplesPerFrame,
                       int channels, int maxFrameBytes) {

        static MediaConfig from(JsonNode media) {
            if (media == null || !media.isObject()) {
                throw new IllegalStateException("welcome has no media object");
            }
            MediaConfig m = new MediaConfig(media.path("path").asString("/ws/media"),
                    media.path("version").asInt(-1), media.path("sampleRate").asInt(-1),
                    media.path("frameMillis").asInt(-1), media.path("samplesPerFrame").asInt(-1),
                    media.path("channels").asInt(-1), media.path("maxFrameBytes").asInt(-1));
            if (m.version != Frame.VERSION || m.channels != 1 || m.sampleRate < 8000 || m.frameMillis <= 0
                    || m.samplesPerFrame <= 0 || Frame.HEADER_BYTES + 2 * m.samplesPerFrame > m.maxFrameBytes) {
                throw new IllegalStateException("unsupported welcome.media: " + media);
            }
            if ((long) m.samplesPerFrame * 1000 != (long) m.sampleRate * m.frameMillis) {
                throw new IllegalStateException("welcome.media is inconsistent (samplesPerFrame != sampleRate * frameMillis / 1000): " + media);
            }
            return m;
        }

        int frameBytes() {
            return Frame.HEADER_BYTES + 2 * samplesPerFrame;
        }

        long frameNanos() {
            return frameMillis * 1_000_000L;
        }
    }

    final Options options;
    final WsClient client;
    final String cookie;
    final String runId;
    final List<LoopState> loops = new ArrayList<>();
    /** {@link Options#sipServer} as a socket address (an IP literal: nothing is looked up); null without SIP. */
    final java.net.InetSocketAddress sipServer;

    volatile MediaConfig media;
    /** The Opus bit rate the server's media messages asked for (what the tool's loops are encoded at). */
    volatile int opusBitrate = OpusLoop.BITRATE;

    /** Steady window in System.nanoTime(); MAX until set. */
    volatile long steadyStart = Long.MAX_VALUE;
    volatile long steadyEnd = Long.MAX_VALUE;
    /** Set at the end of the steady window: no more dials, every live call is hung up. */
    volatile boolean ending;

    final AtomicInteger agentsReady = new AtomicInteger();
    final AtomicInteger agentsFailed = new AtomicInteger();
    /** Slots whose first call is up (both media sockets open) or has failed. */
    final AtomicInteger slotsSettled = new AtomicInteger();
    final AtomicInteger callsUp = new AtomicInteger();
    final AtomicInteger attemptsOpen = new AtomicInteger();
    final AtomicInteger eventSocketsOpen = new AtomicInteger();
    final AtomicInteger mediaSocketsOpen = new AtomicInteger();

    private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());

    Run(Options options, WsClient client, String cookie, String runId) {
        this.options = options;
        this.client = client;
        this.cookie = cookie;
        this.runId = runId;
        this.sipServer = options.sipServer == null ? null
                : new java.net.InetSocketAddress(options.sipServer.getHostString(), options.sipServer.getPort());
        int tickNs = options.tickMillis * 1_000_000;
        for (EventLoop l : client.loops()) {
            loops.add(new LoopState(this, l, tickNs));
        }
    }

    boolean inSteady(long now) {
        return now >= steadyStart && now < steadyEnd;
    }

    /** Counts a rare event (errors, closes, refusals). Not for per-frame use. */
    void count(String key) {
        counters.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>();
        counters.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** A diagnostic kept for the report (the first 50 only). */
    void note(String text) {
        if (notes.size() < 50) {
            notes.add(text);
        }
    }

    List<String> notes() {
        synchronized (notes) {
            return new ArrayList<>(notes);
        }
    }
}
