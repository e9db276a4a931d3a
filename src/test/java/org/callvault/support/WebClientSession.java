package org.callvault.support;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser-like HTTP client for integration tests: keeps cookies, does not follow redirects (so
 * tests can assert them), and picks the CSRF token out of the last page it loaded, like a form would.
 */
public class WebClientSession {

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"|value=\"([^\"]+)\"\\s+name=\"_csrf\"");
    private static final Pattern CSRF_META = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");

    private final String base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;
    private String csrfToken;

    public WebClientSession(int port) {
        this(Endpoint.local(port));
    }

    public WebClientSession(Endpoint endpoint) {
        this.base = endpoint.http("");
        this.http = endpoint.client().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public CookieManager cookies() {
        return cookies;
    }

    public String baseUrl() {
        return base;
    }

    public HttpResponse<String> get(String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
        rememberCsrf(response.body());
        return response;
    }

    public HttpResponse<byte[]> getBytes(String path, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).GET();
        headers.forEach(builder::header);
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Posts a form with the CSRF token of the last page loaded (load the form page first). */
    public HttpResponse<String> postForm(String path, Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        if (csrfToken != null) {
            all.putIfAbsent("_csrf", csrfToken);
        }
        return postFormWithoutCsrf(path, all);
    }

    public HttpResponse<String> postFormWithoutCsrf(String path, Map<String, String> fields) {
        return postFormWithHeaders(path, fields, Map.of());
    }

    /** A form post with extra request headers (the CSRF token must be among the fields). */
    public HttpResponse<String> postFormWithHeaders(String path, Map<String, String> fields, Map<String, String> headers) {
        String body = fields.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded");
        headers.forEach(request::header);
        HttpResponse<String> response = send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build());
        rememberCsrf(response.body());
        return response;
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Signs in through the real form; returns the response to the form post. */
    public HttpResponse<String> signIn(String username, String password) {
        get("/login");
        return postForm("/login", Map.of("username", username, "password", password));
    }

    /** The cookies for this server as one Cookie header, for WebSocket handshakes. */
    public String cookieHeader() {
        return cookies.getCookieStore().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
    }

    public String csrfToken() {
        return csrfToken;
    }

    private void rememberCsrf(String html) {
        if (html == null) {
            return;
        }
        Matcher field = CSRF_FIELD.matcher(html);
        if (field.find()) {
            csrfToken = field.group(1) != null ? field.group(1) : field.group(2);
            return;
        }
        Matcher meta = CSRF_META.matcher(html);
        if (meta.find()) {
            csrfToken = meta.group(1);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
