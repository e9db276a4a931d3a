package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real client of {@code /ws/events} (java.net.http), collecting every message it receives. */
public class EventSocketClient implements WebSocket.Listener, AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket socket;

    public static EventSocketClient caller(int port) {
        return open(port, "caller", null);
    }

    public static EventSocketClient agent(int port, WebClientSession signedIn) {
        return open(port, "agent", signedIn);
    }

    public static EventSocketClient open(int port, String role, WebClientSession session) {
        return open(Endpoint.local(port), role, session);
    }

    public static EventSocketClient open(Endpoint endpoint, String role, WebClientSession session) {
        return open(endpoint, role, session, java.util.Map.of());
    }

    /** With extra handshake headers (an Origin, forwarded headers). */
    public static EventSocketClient open(Endpoint endpoint, String role, WebClientSession session,
            java.util.Map<String, String> headers) {
        EventSocketClient client = new EventSocketClient();
        WebSocket.Builder builder = endpoint.client().build().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5));
        if (session != null) {
            builder.header("Cookie", session.cookieHeader());
        }
        headers.forEach(builder::header);
        client.socket = builder.buildAsync(endpoint.ws("/ws/events?role=" + role), client).join();
        client.awaitMessage(m -> "welcome".equals(m.path("type").asString()));
        return client;
    }

    /** Opens a socket the server is expected to refuse, and returns the close code it gets. */
    public static int closeCodeOf(int port, String path) {
        EventSocketClient client = new EventSocketClient();
        client.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://localhost:" + port + path), client).join();
        return client.closed.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    /** Like {@link #closeCodeOf(int, String)}, through {@code endpoint} with a session and extra headers. */
    public static int closeCodeOf(Endpoint endpoint, String path, WebClientSession session, java.util.Map<String, String> headers) {
        EventSocketClient client = new EventSocketClient();
        WebSocket.Builder builder = endpoint.client().build().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (session != null) {
            builder.header("Cookie", session.cookieHeader());
        }
        headers.forEach(builder::header);
        client.socket = builder.buildAsync(endpoint.ws(path), client).join();
        return client.closed.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    /** The HTTP status of a handshake the server refuses before upgrading (e.g. 401 or a redirect). */
    public static int refusedHandshakeStatus(int port, String path) {
        try {
            HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://localhost:" + port + path), new EventSocketClient()).join().abort();
            return 101;
        }
        catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    public void send(String json) {
        socket.sendText(json, true).join();
    }

    public void sendJson(Object... keyValues) {
        var node = JSON.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            node.put((String) keyValues[i], String.valueOf(keyValues[i + 1]));
        }
        send(node.toString());
    }

    public JsonNode awaitMessage(Predicate<JsonNode> match) {
        await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch(match));
        return received.stream().filter(match).findFirst().orElseThrow();
    }

    public JsonNode awaitType(String type) {
        return awaitMessage(m -> type.equals(m.path("type").asString()));
    }

    public JsonNode awaitCallState(String callId, String state) {
        return awaitMessage(m -> "call".equals(m.path("type").asString())
                && callId.equals(m.path("call").path("id").asString())
                && state.equals(m.path("call").path("state").asString()));
    }

    /** The {@code call} of the first event that shows a SIP call in {@code state}. */
    public JsonNode awaitSipCall(String state) {
        return awaitMessage(m -> "call".equals(m.path("type").asString())
                && "sip".equals(m.path("call").path("source").asString())
                && state.equals(m.path("call").path("state").asString())).path("call");
    }

    public JsonNode awaitError(String code) {
        return awaitMessage(m -> "error".equals(m.path("type").asString()) && code.equals(m.path("code").asString()));
    }

    public List<JsonNode> messages() {
        return new ArrayList<>(received);
    }

    public void clear() {
        received.clear();
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
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            received.add(JSON.readTree(partial.toString()));
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.abort();
        }
    }

    /** Drops the connection without a close handshake, like a crashed tab. */
    public void abort() {
        socket.abort();
    }
}
