package org.callvault.loadtool;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One event socket ({@code /ws/events}): JSON text messages in both directions. Incoming messages
 * are parsed and handed to a {@link Handler} on the socket's event loop.
 *
 * <p>Every agent console receives every call's state changes. An agent socket of the load tool only
 * cares about its own call, so it may be given a {@code mineMarker} (its quoted caller tag): a
 * message that names a caller ({@code "callerName"}) but not this one is counted and skipped without
 * parsing. The first message (the {@code welcome}) is always parsed.
 */
final class EventChannel implements WsClient.Listener {

    static final JsonMapper JSON = JsonMapper.builder().build();

    interface Handler {
        void onOpen(EventChannel ch);

        void onMessage(EventChannel ch, String type, JsonNode msg);

        /** Refused or closed; {@code code} is -1 for a refusal. */
        void onGone(EventChannel ch, int code, String why);
    }

    private final Run run;
    private final Handler handler;
    private final String mineMarker;
    final String role;
    private WsClient.Conn conn;
    private boolean first = true;
    private boolean gone;
    long received;
    long skipped;
    /** Warm-up sockets are not counted in the run's events. */
    boolean warmUp;

    EventChannel(Run run, String role, Handler handler, String mineMarker) {
        this.run = run;
        this.role = role;
        this.handler = handler;
        this.mineMarker = mineMarker;
    }

    void open(EventLoop loop, String cookie) {
        conn = run.client.connect(loop, "/ws/events?role=" + role, cookie, this);
    }

    boolean isOpen() {
        return conn != null && conn.isOpen();
    }

    void send(String json) {
        if (conn != null) {
            conn.sendText(json);
        }
    }

    void close() {
        if (conn != null) {
            conn.close(1000);
        }
    }

    @Override
    public void onOpen(WsClient.Conn c) {
        run.eventSocketsOpen.incrementAndGet();
        handler.onOpen(this);
    }

    @Override
    public void onText(WsClient.Conn c, String text) {
        received++;
        if (!first && mineMarker != null && text.contains("\"callerName\"") && !text.contains(mineMarker)) {
            skipped++;
            return;
        }
        first = false;
        JsonNode msg;
        try {
            msg = JSON.readTree(text);
        } catch (RuntimeException e) {
            run.count("event." + role + ".unparsable");
            return;
        }
        if (msg == null || !msg.isObject()) {
            run.count("event." + role + ".not_an_object");
            return;
        }
        handler.onMessage(this, msg.path("type").asString(""), msg);
    }

    @Override
    public void onBinary(WsClient.Conn c, ByteBuf frame) {
        run.count("event." + role + ".binary_message");
    }

    @Override
    public void onRefused(WsClient.Conn c, String why) {
        run.count("event." + role + ".refused");
        run.note("event socket (" + role + ") refused: " + why);
        if (!gone) {
            gone = true;
            handler.onGone(this, -1, why);
        }
    }

    @Override
    public void onClose(WsClient.Conn c, int code, String reason) {
        run.eventSocketsOpen.decrementAndGet();
        if (!warmUp) {
            run.count("event." + role + ".close." + code);
        }
        if (!gone) {
            gone = true;
            handler.onGone(this, code, reason);
        }
    }

    /** JSON string literal. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
