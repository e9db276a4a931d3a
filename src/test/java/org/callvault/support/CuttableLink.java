package org.callvault.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP link to a server that a test can cut and restore, for one process only: it listens on a
 * port of its own on 127.0.0.1 and forwards each connection to {@code target}. {@link #cut()} closes
 * every forwarded connection and stops listening (a reconnect is refused, as by a dead network);
 * {@link #restore()} listens again on the same port. The server itself is never touched.
 */
public final class CuttableLink implements AutoCloseable {

    private final int targetPort;
    public final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    private CuttableLink(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = listen(0);
        this.port = listener.getLocalPort();
    }

    /** A link to 127.0.0.1:{@code targetPort}, up. */
    public static CuttableLink to(int targetPort) throws IOException {
        return new CuttableLink(targetPort);
    }

    /** Closes every connection through the link and refuses new ones until {@link #restore()}. */
    public synchronized void cut() throws IOException {
        ServerSocket was = listener;
        listener = null;
        if (was != null) {
            was.close();
        }
        for (Socket socket : open) {
            close(socket);
        }
        open.clear();
    }

    /** Listens again on {@link #port}. */
    public synchronized void restore() throws IOException {
        if (listener == null) {
            listener = listen(port);
        }
    }

    private ServerSocket listen(int onPort) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
        Thread accepting = new Thread(() -> accept(server), "link-accept");
        accepting.setDaemon(true);
        accepting.start();
        return server;
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                if (listener != server) { // cut while this one was being accepted
                    close(client);
                    close(upstream);
                    return;
                }
                pump(client, upstream);
                pump(upstream, client);
            }
            catch (IOException closed) {
                return; // cut, or closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0;) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
            catch (IOException gone) {
                // cut, or one side closed
            }
            finally {
                close(from);
                close(to);
            }
        }, "link-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        }
        catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
