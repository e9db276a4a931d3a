package org.callvault.loadtool;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs in like the browser's sign-in form does: GET /login for the SESSION cookie and the hidden
 * {@code _csrf} input, then POST /login. One signed-in session serves every agent event socket and
 * the metrics scrapes.
 */
final class AgentSession {

    static final class SignInException extends Exception {
        SignInException(String message) {
            super(message);
        }
    }

    private static final Pattern CSRF_INPUT = Pattern.compile("<input\\b[^>]*\\bname=\"_csrf\"[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern VALUE_ATTR = Pattern.compile("\\bvalue=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    final URI base;
    final HttpClient http;
    private String session;

    private AgentSession(URI base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    /** The cookie header value, {@code SESSION=...}. */
    String cookie() {
        return "SESSION=" + session;
    }

    String sessionId() {
        return session;
    }

    static AgentSession signIn(URI base, String user, String password) throws SignInException, InterruptedException {
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        AgentSession s = new AgentSession(base, http);
        try {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve("/login")).timeout(TIMEOUT)
                    .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200) {
                throw new SignInException("GET /login answered " + page.statusCode());
            }
            s.session = sessionCookie(page.headers().allValues("set-cookie"))
                    .orElseThrow(() -> new SignInException("GET /login set no SESSION cookie"));
            String csrf = csrfToken(page.body())
                    .orElseThrow(() -> new SignInException("GET /login has no hidden _csrf input"));
            String form = "username=" + enc(user) + "&password=" + enc(password) + "&_csrf=" + enc(csrf);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(base.resolve("/login")).timeout(TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", s.cookie())
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            int st = post.statusCode();
            String location = post.headers().firstValue("location").orElse("");
            if ((st != 302 && st != 303) || !isRoot(base, location)) {
                throw new SignInException("sign-in as '" + user + "' failed: POST /login answered " + st
                        + (location.isEmpty() ? "" : " -> " + location) + hint(location));
            }
            sessionCookie(post.headers().allValues("set-cookie")).ifPresent(v -> s.session = v);
            return s;
        } catch (IOException e) {
            throw new SignInException("cannot reach " + base + ": " + e);
        }
    }

    /** GET with the session cookie; returns null on a non-200 answer. */
    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Cookie", cookie()).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : null;
    }

    static Optional<String> csrfToken(String html) {
        Matcher m = CSRF_INPUT.matcher(html);
        while (m.find()) {
            Matcher v = VALUE_ATTR.matcher(m.group());
            if (v.find()) {
                return Optional.of(v.group(1).replace("&#45;", "-").replace("&amp;", "&"));
            }
        }
        return Optional.empty();
    }

    static Optional<String> sessionCookie(List<String> setCookies) {
        for (String c : setCookies) {
            String first = c.split(";", 2)[0].trim();
            if (first.startsWith("SESSION=") && first.length() > "SESSION=".length()) {
                return Optional.of(first.substring("SESSION=".length()));
            }
        }
        return Optional.empty();
    }

    /** Success is a redirect to "/", relative or absolute. */
    static boolean isRoot(URI base, String location) {
        if (location.isEmpty()) {
            return false;
        }
        URI l = base.resolve(location);
        return "/".equals(l.getPath()) && l.getQuery() == null;
    }

    private static String hint(String location) {
        if (location.contains("error")) {
            return " (wrong user name or password, or a disabled account)";
        }
        if (location.contains("locked") || location.contains("throttl")) {
            return " (too many failed sign-ins: wait and retry)";
        }
        if (location.contains("password")) {
            return " (the account must choose a new password first: sign in once in a browser)";
        }
        return "";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
