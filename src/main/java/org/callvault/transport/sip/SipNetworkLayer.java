package org.callvault.transport.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import gov.nist.core.net.DefaultNetworkLayer;
import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's sockets (stack property NETWORK_LAYER), with the limits the stack lacks:
 * <ul>
 * <li>an accepted TCP connection that sends nothing for {@link #IDLE_TIMEOUT} is closed (the stack's
 * READ_TIMEOUT only runs once a message has begun, so a silent connection would hold its slot of
 * MAX_CONNECTIONS, and its two threads, for ever);</li>
 * <li>at most {@link #PER_SOURCE} connections per source address, so one peer cannot take all of
 * MAX_CONNECTIONS (beyond it, the connection is closed at once);</li>
 * <li>a UDP datagram larger than {@link #UDP_MAX} is answered 513 Message Too Large (a request with a
 * Via and CSeq) or dropped, before the stack parses it.</li>
 * </ul>
 * The stack creates this class by name, so its settings come from the stack properties, and the
 * accepted connections are kept in a static map where the parser (SipMessageGuard) finds the socket
 * to answer on.
 */
public final class SipNetworkLayer implements NetworkLayer {

    static final String IDLE_TIMEOUT = "org.callvault.sip.TCP_IDLE_TIMEOUT_MILLIS";
    static final String PER_SOURCE = "org.callvault.sip.TCP_CONNECTIONS_PER_SOURCE";
    static final String UDP_MAX = "org.callvault.sip.UDP_MAX_MESSAGE_SIZE";

    private static final Logger log = LoggerFactory.getLogger(SipNetworkLayer.class);

    /** Accepted connections by local port and peer: where a guard's 400 goes. */
    private static final Map<String, Socket> ACCEPTED = new ConcurrentHashMap<>();

    private final NetworkLayer plain = DefaultNetworkLayer.SINGLETON;
    private volatile int idleTimeoutMillis = 120_000;
    private volatile int perSource = 64;
    private volatile int udpMax = 16 * 1024;
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    public SipNetworkLayer() {
    }

    @Override
    public void setSipStack(SipStackImpl stack) {
        Properties p = stack.getConfigurationProperties();
        idleTimeoutMillis = Integer.parseInt(p.getProperty(IDLE_TIMEOUT, String.valueOf(idleTimeoutMillis)));
        perSource = Integer.parseInt(p.getProperty(PER_SOURCE, String.valueOf(perSource)));
        udpMax = Integer.parseInt(p.getProperty(UDP_MAX, String.valueOf(udpMax)));
    }

    /** The accepted connection with this local port and peer, or null. */
    static Socket accepted(int localPort, String peerAddress, int peerPort) {
        return ACCEPTED.get(key(localPort, peerAddress, peerPort));
    }

    /** Connections accepted on {@code localPort} and still open. */
    static int openAccepted(int localPort) {
        String prefix = localPort + "|";
        return (int) ACCEPTED.keySet().stream().filter(k -> k.startsWith(prefix)).count();
    }

    private static String key(int localPort, String peerAddress, int peerPort) {
        return localPort + "|" + peerAddress + "|" + peerPort;
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return new GuardedServerSocket(port, backlog, bindAddress);
    }

    @Override
    public DatagramSocket createDatagramSocket() throws SocketException {
        return plain.createDatagramSocket();
    }

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress laddr) throws SocketException {
        return laddr == null ? new SizeLimitedDatagramSocket(new InetSocketAddress(port))
                : new SizeLimitedDatagramSocket(new InetSocketAddress(laddr, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return plain.createSocket(address, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress) throws IOException {
        return plain.createSocket(address, port, localAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress, int myPort) throws IOException {
        return plain.createSocket(address, port, myAddress, myPort);
    }

    @Override
    public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        throw new IOException("CallVault does not offer SIP over TLS");
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
        throw new IOException("CallVault does not offer SIP over TLS");
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress localAddress) throws IOException {
        throw new IOException("CallVault does not offer SIP over TLS");
    }

    /** Accepts with the idle timeout set and the per-source cap applied; keeps the socket findable. */
    private final class GuardedServerSocket extends ServerSocket {

        GuardedServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
            super(port, backlog, bindAddress);
        }

        @Override
        public Socket accept() throws IOException {
            while (true) {
                TrackedSocket socket = new TrackedSocket();
                implAccept(socket);
                if (socket.admit()) {
                    // A read that waits longer ends the connection: JAIN-SIP's reader closes it on the
                    // timeout's IOException and frees its MAX_CONNECTIONS slot.
                    socket.setSoTimeout(idleTimeoutMillis);
                    return socket;
                }
                // Over the per-source cap: closed before the stack sees it; accept the next one.
                socket.close();
            }
        }
    }

    private final class TrackedSocket extends Socket {

        private String key;
        private InetAddress source;

        boolean admit() {
            source = getInetAddress();
            int count = perAddress.computeIfAbsent(source, a -> new AtomicInteger()).incrementAndGet();
            if (count > perSource) {
                perAddress.get(source).decrementAndGet();
                source = null;
                log.debug("SIP TCP connection from {} refused: {} open already", getInetAddress(), perSource);
                return false;
            }
            key = key(getLocalPort(), getInetAddress().getHostAddress(), getPort());
            ACCEPTED.put(key, this);
            return true;
        }

        @Override
        public synchronized void close() throws IOException {
            try {
                super.close();
            }
            finally {
                forget();
            }
        }

        private synchronized void forget() {
            if (key != null) {
                ACCEPTED.remove(key, this);
                key = null;
            }
            if (source != null) {
                AtomicInteger count = perAddress.get(source);
                if (count != null && count.decrementAndGet() <= 0) {
                    perAddress.remove(source, count);
                }
                source = null;
            }
        }
    }

    /**
     * Receives into a buffer as large as any datagram, so an oversized one is seen whole (not cut to the
     * stack's buffer and parsed as a different, truncated message), answered 513 or dropped, and never
     * handed to the stack.
     */
    private final class SizeLimitedDatagramSocket extends DatagramSocket {

        private final byte[] buffer = new byte[65536];

        SizeLimitedDatagramSocket(SocketAddress bind) throws SocketException {
            super(bind);
        }

        @Override
        public synchronized void receive(DatagramPacket packet) throws IOException {
            while (true) {
                DatagramPacket whole = new DatagramPacket(buffer, buffer.length);
                super.receive(whole);
                int length = whole.getLength();
                if (length <= udpMax && length <= packet.getData().length - packet.getOffset()) {
                    System.arraycopy(buffer, 0, packet.getData(), packet.getOffset(), length);
                    packet.setLength(length);
                    packet.setSocketAddress(whole.getSocketAddress());
                    return;
                }
                tooLarge(whole);
            }
        }

        private void tooLarge(DatagramPacket whole) {
            byte[] bytes = new byte[Math.min(whole.getLength(), 8192)]; // the headers are at the front
            System.arraycopy(buffer, 0, bytes, 0, bytes.length);
            RawSipHeaders raw = RawSipHeaders.of(bytes);
            log.debug("SIP UDP datagram of {} bytes from {} over the limit of {}", whole.getLength(),
                    whole.getSocketAddress(), udpMax);
            if (!raw.isRequest() || raw.isAck() || !raw.answerable()) {
                return;
            }
            byte[] answer = raw.response(513, "Message Too Large");
            try {
                // To where it came from, like the stack's own 400s; smaller than what came in.
                send(new DatagramPacket(answer, answer.length, whole.getSocketAddress()));
            }
            catch (IOException e) {
                log.debug("SIP 513 not sent: {}", e.toString());
            }
        }
    }
}
