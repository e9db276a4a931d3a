package org.callvault.transport.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of every SIP call's RTP: a few workers ({@code rtp-N}), each owning a selector over
 * its legs' UDP sockets and a 20 ms clock that ticks them all. A leg belongs to one worker for its
 * whole life, so its receive path, jitter buffer and clock never see another thread and take no
 * lock (the classes of {@code transport.sip.rtp} are written for exactly that).
 *
 * <p>Why not a thread per call: 1,000 calls would be 1,000 threads waking 50 times a second. Why
 * not Netty's event loops: those carry the WebSockets, and a leg's tick (decode, resample, hand to
 * the bridge) is CPU work that must not delay them; a plain selector per core does the job with
 * no allocation per packet and no hand-off between threads.
 */
final class RtpEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RtpEngine.class);
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Datagrams read from one socket per wake-up, so one flooded port cannot starve the others. */
    private static final int READS_PER_WAKEUP = 32;
    /** Room for bursts: ~0.5 s of one call's packets queue in the kernel while a worker is busy. */
    private static final int RECEIVE_BUFFER_BYTES = 64 * 1024;

    private final Worker[] workers;
    private final AtomicInteger next = new AtomicInteger();

    RtpEngine(int threads) throws IOException {
        workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(i);
        }
    }

    /** Opens a non-blocking UDP socket on {@code address:port}; throws when the port is taken. */
    static DatagramChannel bind(InetAddress address, int port) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            channel.bind(new InetSocketAddress(address, port));
            return channel;
        }
        catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Hands a leg to a worker (round robin); from then on only that worker reads and ticks it. */
    void add(SipMediaLeg leg) {
        workers[Math.floorMod(next.getAndIncrement(), workers.length)].add(leg);
    }

    @Override
    public void close() {
        for (Worker worker : workers) {
            worker.stop();
        }
    }

    /** One thread: its legs' sockets, and their clock. */
    private static final class Worker implements Runnable {

        private final Selector selector;
        private final Queue<SipMediaLeg> added = new ConcurrentLinkedQueue<>();
        private final List<SipMediaLeg> legs = new ArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        Worker(int index) throws IOException {
            this.selector = Selector.open();
            this.thread = new Thread(this, "rtp-" + index);
            thread.setDaemon(true);
            // Media is the one thing that must not wait: a late tick is audible.
            thread.setPriority(Thread.MAX_PRIORITY);
            thread.start();
        }

        void add(SipMediaLeg leg) {
            added.add(leg);
            selector.wakeup();
        }

        void stop() {
            running = false;
            selector.wakeup();
        }

        @Override
        public void run() {
            long nextTick = System.nanoTime() + TICK_NANOS;
            try {
                while (running) {
                    long wait = nextTick - System.nanoTime();
                    if (wait > 0) {
                        // select(0) would block for ever: wait at least a millisecond.
                        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
                    }
                    else {
                        selector.selectNow();
                    }
                    readSelected();
                    registerAdded();
                    long now = System.nanoTime();
                    if (now - nextTick >= 0) {
                        tickAll(now);
                        nextTick += TICK_NANOS;
                        if (now - nextTick > 5 * TICK_NANOS) {
                            // Fell far behind (a long GC pause): resume the pace instead of bursting.
                            nextTick = now + TICK_NANOS;
                        }
                    }
                }
            }
            catch (IOException | ClosedSelectorException e) {
                log.error("RTP worker {} stopped: its calls lose their audio", thread.getName(), e);
            }
            finally {
                for (SipMediaLeg leg : legs) {
                    leg.close();
                }
                try {
                    selector.close();
                }
                catch (IOException ignored) {
                    // shutting down
                }
            }
        }

        private void readSelected() {
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                if (!key.isValid()) {
                    continue;
                }
                SipMediaLeg leg = (SipMediaLeg) key.attachment();
                try {
                    leg.read((DatagramChannel) key.channel(), READS_PER_WAKEUP, System.nanoTime());
                }
                catch (IOException | RuntimeException e) {
                    // One leg's trouble (a closed socket, a bug on odd input) never stops the others.
                    if (!leg.isClosed()) {
                        log.warn("RTP leg on port {} failed to read; it is closed", leg.localPort(), e);
                        leg.close();
                    }
                }
            }
        }

        private void registerAdded() {
            SipMediaLeg leg;
            while ((leg = added.poll()) != null) {
                try {
                    for (DatagramChannel channel : leg.channels()) {
                        channel.register(selector, SelectionKey.OP_READ, leg);
                    }
                    legs.add(leg);
                }
                catch (IOException | RuntimeException e) {
                    if (!leg.isClosed()) {
                        log.warn("RTP leg on port {} could not be registered", leg.localPort(), e);
                        leg.close();
                    }
                }
            }
        }

        private void tickAll(long now) {
            for (Iterator<SipMediaLeg> it = legs.iterator(); it.hasNext();) {
                SipMediaLeg leg = it.next();
                if (leg.isClosed()) {
                    it.remove(); // its channels are closed: the selector dropped their keys
                    continue;
                }
                try {
                    leg.tick(now);
                }
                catch (RuntimeException e) {
                    log.warn("RTP leg on port {} failed on its clock; it is closed", leg.localPort(), e);
                    leg.close();
                    it.remove();
                }
            }
        }
    }
}
