package org.callvault.loadtool;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Minimal WebSocket client on Netty: epoll when available, a fixed number of event loop threads.
 * Every connection is pinned to an event loop chosen by the caller, so all sockets of one call
 * share a thread and their state needs no locks.
 */
final class WsClient implements AutoCloseable {

    /** Callbacks, always on the connection's event loop. */
    interface Listener {
        void onOpen(Conn conn);

        void onText(Conn conn, String text);

        void onBinary(Conn conn, ByteBuf frame);

        /** Handshake refused (HTTP status, or a connect error). The channel is closed after it. */
        void onRefused(Conn conn, String why);

        /**
         * The TCP connection is gone. {@code code} is the close code the server sent, or 1006 if none
         * was received.
         */
        void onClose(Conn conn, int code, String reason);
    }

    static final int MAX_FRAME = 65536;

    private final MultiThreadIoEventLoopGroup group;
    private final List<EventLoop> loops = new ArrayList<>();
    private final Class<? extends SocketChannel> channelClass;
    private final Class<? extends io.netty.channel.socket.DatagramChannel> udpClass;
    private final InetSocketAddress server;
    private final String wsBase;
    final String transport;

    WsClient(int threads, String host, int port) {
        IoHandlerFactory factory;
        if (Epoll.isAvailable()) {
            factory = EpollIoHandler.newFactory();
            channelClass = EpollSocketChannel.class;
            udpClass = io.netty.channel.epoll.EpollDatagramChannel.class;
            transport = "epoll";
        } else {
            factory = NioIoHandler.newFactory();
            channelClass = NioSocketChannel.class;
            udpClass = io.netty.channel.socket.nio.NioDatagramChannel.class;
            transport = "nio";
        }
        group = new MultiThreadIoEventLoopGroup(threads, r -> {
            Thread t = new Thread(r, "loadtool-loop");
            t.setDaemon(true);
            return t;
        }, factory);
        for (int i = 0; i < threads; i++) {
            loops.add(group.next());
        }
        server = new InetSocketAddress(host, port);
        String h = host.contains(":") ? "[" + host + "]" : host;
        wsBase = "ws://" + h + ":" + port;
    }

    List<EventLoop> loops() {
        return loops;
    }

    /**
     * Opens {@code pathAndQuery} (e.g. {@code /ws/events?role=agent}) on {@code loop}. The returned
     * connection is not yet open; {@link Listener#onOpen} says when it is.
     */
    Conn connect(EventLoop loop, String pathAndQuery, String cookie, Listener listener) {
        WebSocketClientHandshaker hs = handshaker(URI.create(wsBase + pathAndQuery), cookie);
        Conn conn = new Conn(hs, listener, pathAndQuery);
        conn.connectNanos = System.nanoTime();
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(4096, 16384, 16384),
                                new HttpObjectAggregator(16384), conn);
                    }
                });
        b.connect(server).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                conn.refused("connect: " + f.cause());
            }
        });
        return conn;
    }

    /**
     * Binds a UDP socket on {@code host}, a free port, served by {@code loop} (the SIP phone's
     * signalling and RTP sockets share their call's thread, as its WebSocket legs do).
     */
    io.netty.channel.ChannelFuture bindUdp(EventLoop loop, String host, io.netty.channel.ChannelHandler handler) {
        return new Bootstrap()
                .group(loop)
                .channel(udpClass)
                .handler(handler)
                .bind(host, 0);
    }

    /** RFC 6455 client handshake: masking on, no extensions, no Origin header, optional Cookie. */
    static WebSocketClientHandshaker handshaker(URI uri, String cookie) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (cookie != null) {
            headers.set(HttpHeaderNames.COOKIE, cookie);
        }
        // (uri, version, subprotocol, allowExtensions, headers, maxFramePayload, performMasking,
        //  allowMaskMismatch, forceCloseTimeoutMillis, absoluteUpgradeUrl, generateOriginHeader)
        return WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, false, headers,
                MAX_FRAME, true, false, 2000L, false, false);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One WebSocket connection. Use from its event loop only (except {@link #isOpen()}). */
    static final class Conn extends SimpleChannelInboundHandler<Object> {
        private final WebSocketClientHandshaker handshaker;
        private final Listener listener;
        final String path;
        Channel channel;
        private volatile boolean open;
        private boolean refused;
        private boolean closeFrameSent;
        private int closeCode = 1006;
        private String closeReason = "";
        private boolean closedReported;
        /** When the connect started, the TCP connection was up, the handshake request was written. */
        long connectNanos;
        long activeNanos;
        long requestWrittenNanos;

        Conn(WebSocketClientHandshaker handshaker, Listener listener, String path) {
            this.handshaker = handshaker;
            this.listener = listener;
            this.path = path;
        }

        boolean isOpen() {
            return open;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            activeNanos = System.nanoTime();
            handshaker.handshake(channel).addListener(f -> requestWrittenNanos = System.nanoTime());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (!handshaker.isHandshakeComplete()) {
                if (msg instanceof FullHttpResponse r) {
                    try {
                        handshaker.finishHandshake(channel, r);
                    } catch (WebSocketClientHandshakeException e) {
                        refused("HTTP " + r.status().code());
                        return;
                    }
                    channel.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(MAX_FRAME));
                    open = true;
                    listener.onOpen(this);
                }
                return;
            }
            if (!(msg instanceof WebSocketFrame frame)) {
                return;
            }
            if (frame instanceof BinaryWebSocketFrame) {
                listener.onBinary(this, frame.content());
            } else if (frame instanceof TextWebSocketFrame t) {
                listener.onText(this, t.text());
            } else if (frame instanceof CloseWebSocketFrame c) {
                closeCode = c.statusCode() < 0 ? 1005 : c.statusCode();
                closeReason = c.reasonText();
                if (!closeFrameSent) {
                    closeFrameSent = true;
                    channel.writeAndFlush(new CloseWebSocketFrame(closeCode == 1005 ? 1000 : closeCode, ""))
                            .addListener(ChannelFutureListener.CLOSE);
                } else {
                    channel.close();
                }
            } else if (frame instanceof PingWebSocketFrame) {
                channel.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            }
        }

        void refused(String why) {
            if (refused) {
                return;
            }
            refused = true;
            closedReported = true;
            listener.onRefused(this, why);
            if (channel != null) {
                channel.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open = false;
            if (!handshaker.isHandshakeComplete()) {
                refused("closed during the handshake");
                return;
            }
            if (!closedReported) {
                closedReported = true;
                listener.onClose(this, closeCode, closeReason);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!handshaker.isHandshakeComplete()) {
                refused(cause.toString());
            }
            ctx.close();
        }

        boolean writable() {
            return channel != null && channel.isWritable();
        }

        void sendText(String text) {
            if (open) {
                channel.writeAndFlush(new TextWebSocketFrame(text), channel.voidPromise());
            }
        }

        /** Writes a complete, already encoded WebSocket frame (see {@link Frame}) without flushing. */
        void writeRaw(ByteBuf wsFrame) {
            channel.write(wsFrame, channel.voidPromise());
        }

        void flush() {
            channel.flush();
        }

        void sendBinary(ByteBuf payload) {
            if (open) {
                channel.writeAndFlush(new BinaryWebSocketFrame(payload), channel.voidPromise());
            } else {
                payload.release();
            }
        }

        /** Starts the close handshake. */
        void close(int code) {
            if (channel == null) {
                return;
            }
            if (open && !closeFrameSent) {
                closeFrameSent = true;
                channel.writeAndFlush(new CloseWebSocketFrame(code, "")).addListener(f ->
                        channel.eventLoop().schedule(() -> {
                            channel.close();
                        }, 2, TimeUnit.SECONDS));
            } else {
                channel.close();
            }
        }

        /**
         * Drops the connection without a close handshake: FIN, or RST when {@code reset} (SO_LINGER 0).
         */
        void abort(boolean reset) {
            if (channel == null) {
                return;
            }
            closeFrameSent = true;
            if (reset) {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            channel.close();
        }

        int closeCode() {
            return closeCode;
        }
    }
}
