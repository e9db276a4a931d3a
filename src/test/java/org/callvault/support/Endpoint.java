package org.callvault.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

import javax.net.ssl.SSLContext;

/**
 * Where a test client connects: the server itself ({@link #local}) or a reverse proxy in front of
 * it, over plain HTTP or HTTPS (with the trust for the proxy's test certificate).
 */
public record Endpoint(boolean secure, String host, int port, SSLContext trust) {

    public static Endpoint local(int port) {
        return new Endpoint(false, "localhost", port, null);
    }

    public static Endpoint https(int port, SSLContext trust) {
        return new Endpoint(true, "localhost", port, trust);
    }

    public String http(String path) {
        return (secure ? "https://" : "http://") + host + ":" + port + path;
    }

    public URI ws(String path) {
        return URI.create((secure ? "wss://" : "ws://") + host + ":" + port + path);
    }

    public HttpClient.Builder client() {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        return trust == null ? builder : builder.sslContext(trust);
    }
}
