package org.callvault.loadtool;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import tools.jackson.databind.JsonNode;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads and warms the tool's own code before the ramp, so that class loading and the interpreter
 * do not stall the event loop while calls are being set up. Creates no call on the server: a few
 * caller event sockets ping and close, and one media socket with a made-up token is refused.
 */
final class WarmUp {

    private WarmUp() {
    }

    /** Pure local work: frame encoding, sequence accounting, JSON parsing. */
    static void local() {
        Tone tone = Tone.of(440, 44100, 882);
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
        byte[] scratch = new byte[4096];
        SeqTracker t = new SeqTracker();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            b.clear();
            Frame.writeMaskedMediaFrame(b, i * 31, i, (long) i * 882, tone.pcm, tone.byteOffset((long) i * 882), tone.frameBytes(), scratch);
            sink += b.getLong(8) + Frame.sequence(b.slice(8, 16)) + t.receive(i).ordinal();
        }
        b.release();
        String[] samples = {
            "{\"type\":\"welcome\",\"role\":\"caller\",\"media\":{\"path\":\"/ws/media\",\"version\":1,\"sampleRate\":44100,"
                + "\"frameMillis\":20,\"samplesPerFrame\":882,\"channels\":1,\"maxFrameBytes\":7072},\"calls\":[]}",
            "{\"type\":\"call\",\"call\":{\"id\":\"x\",\"state\":\"ended\",\"callerName\":\"a\",\"durationMs\":5,\"endReason\":\"caller_hangup\"}}",
            "{\"type\":\"media\",\"callId\":\"x\",\"leg\":\"agent\",\"token\":\"t\",\"url\":\"/ws/media?token=t\"}",
        };
        for (int i = 0; i < 2_000; i++) {
            JsonNode n = EventChannel.JSON.readTree(samples[i % samples.length]);
            sink += n.path("type").asString("").length() + n.path("call").path("durationMs").asLong(0);
        }
        if (sink == 42) {
            System.err.print("");
        }
    }

    /** Opens and closes a few sockets against the server; bounded by {@code seconds}. */
    static void remote(Run run, double seconds) throws InterruptedException {
        int sockets = 4;
        CountDownLatch done = new CountDownLatch(sockets + 1);
        AtomicInteger pongs = new AtomicInteger();
        EventLoop loop = run.loops.get(0).loop;
        for (int i = 0; i < sockets; i++) {
            loop.execute(() -> {
                EventChannel[] holder = new EventChannel[1];
                holder[0] = new EventChannel(run, "caller", new EventChannel.Handler() {
                    @Override
                    public void onOpen(EventChannel ch) {
                    }

                    @Override
                    public void onMessage(EventChannel ch, String type, JsonNode msg) {
                        if ("welcome".equals(type)) {
                            ch.send("{\"type\":\"ping\"}");
                        } else if ("pong".equals(type)) {
                            pongs.incrementAndGet();
                            ch.close();
                        }
                    }

                    @Override
                    public void onGone(EventChannel ch, int code, String why) {
                        done.countDown();
                    }
                }, null);
                holder[0].warmUp = true;
                holder[0].open(loop, null);
            });
        }
        loop.execute(() -> run.client.connect(loop, "/ws/media?token=loadtool-warm-up", null, new WsClient.Listener() {
            @Override
            public void onOpen(WsClient.Conn conn) {
            }

            @Override
            public void onText(WsClient.Conn conn, String text) {
            }

            @Override
            public void onBinary(WsClient.Conn conn, ByteBuf frame) {
            }

            @Override
            public void onRefused(WsClient.Conn conn, String why) {
                run.note("warm-up: media socket with an unknown token refused: " + why);
                done.countDown();
            }

            @Override
            public void onClose(WsClient.Conn conn, int code, String reason) {
                if (code != 4401) {
                    run.note("warm-up: media socket with an unknown token closed " + code + " (protocol.md: 4401)");
                }
                done.countDown();
            }
        }));
        if (!done.await((long) (seconds * 1000), TimeUnit.MILLISECONDS)) {
            run.note("warm-up: not all warm-up sockets finished within " + Report.num(seconds) + " s");
        } else if (pongs.get() < sockets) {
            run.note("warm-up: " + pongs.get() + "/" + sockets + " pings answered");
        }
    }
}
