package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real nginx (Debian's package, installed by .ci/run) in front of the server under test, run with
 * the README's own configuration block, so the documented recipe is what the tests prove. One
 * listener over HTTP and one over HTTPS (a fresh self-signed certificate for localhost), both on
 * free, non-default ports.
 */
public final class Nginx implements AutoCloseable {

    private static final String BINARY = System.getenv().getOrDefault("CALLVAULT_TEST_NGINX", "/usr/sbin/nginx");
    private static final Pattern README_BLOCK = Pattern.compile("### Behind a reverse proxy.*?```nginx\\n(.*?)```", Pattern.DOTALL);

    public final int httpPort;
    public final int httpsPort;
    public final Path dir;
    private final SSLContext trust;
    private final Process process;

    private Nginx(Path dir, int httpPort, int httpsPort, SSLContext trust, Process process) {
        this.dir = dir;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
        this.trust = trust;
        this.process = process;
    }

    /**
     * Starts nginx proxying to {@code upstreamPort}. {@code bindAddress}, when set, is the address
     * nginx connects to the server from ({@code proxy_bind}): on one machine it lets a test trust the
     * proxy without trusting the loopback client behind it.
     */
    public static Nginx start(int upstreamPort, String bindAddress) throws Exception {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException("Proxy tests need Debian's nginx: apt-get install -y nginx (.ci/run does it)");
        }
        Path dir = Files.createTempDirectory("callvault-nginx");
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString()));
        int httpPort = freePort();
        int httpsPort = freePort();

        String recipe = readmeRecipe()
                .replace("/var/log/nginx/callvault.log", dir.resolve("access.log").toString())
                .replace("http://127.0.0.1:8080", "http://127.0.0.1:" + upstreamPort)
                .replace("    location / {", bindAddress == null ? "    location / {" : "    proxy_bind " + bindAddress + ";\n    location / {");
        String server = recipe.substring(recipe.indexOf("server {"));
        String http = recipe.substring(0, recipe.indexOf("server {"));
        String plain = server.replace("listen 443 ssl;", "listen 127.0.0.1:" + httpPort + ";");
        String tls = server.replace("listen 443 ssl;", "listen 127.0.0.1:" + httpsPort + " ssl;\n    ssl_certificate " + cert
                + ";\n    ssl_certificate_key " + key + ";");
        String conf = "daemon off;\nworker_processes 1;\npid " + dir.resolve("nginx.pid") + ";\nerror_log " + dir.resolve("error.log")
                + " info;\nevents { worker_connections 1024; }\nhttp {\n  client_body_temp_path " + dir.resolve("body") + ";\n  proxy_temp_path "
                + dir.resolve("proxy") + ";\n" + http + plain + "\n" + tls + "\n}\n";
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);

        Process process = new ProcessBuilder(BINARY, "-e", dir.resolve("error.log").toString(), "-p", dir.toString(), "-c",
                confFile.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Nginx nginx = new Nginx(dir, httpPort, httpsPort, trustFor(cert), process);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("stdout.log"))
                        + Files.readString(dir.resolve("error.log")));
            }
            return listening(httpPort) && listening(httpsPort);
        });
        return nginx;
    }

    public Endpoint http() {
        return Endpoint.local(httpPort);
    }

    public Endpoint https() {
        return Endpoint.https(httpsPort, trust);
    }

    public String accessLog() throws IOException {
        return Files.readString(dir.resolve("access.log"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The nginx block of the README's "Behind a reverse proxy" section, verbatim. */
    static String readmeRecipe() throws IOException {
        Path readme = Path.of("README.md");
        Matcher block = README_BLOCK.matcher(Files.readString(readme));
        if (!block.find()) {
            throw new IllegalStateException("README.md has no nginx block under 'Behind a reverse proxy'");
        }
        String recipe = block.group(1);
        for (String expected : List.of("listen 443 ssl;", "http://127.0.0.1:8080", "/var/log/nginx/callvault.log", "server {",
                "    location / {")) {
            if (!recipe.contains(expected)) {
                throw new IllegalStateException("The README's nginx block no longer contains '" + expected + "'");
            }
        }
        return recipe;
    }

    private static SSLContext trustFor(Path cert) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            store.setCertificateEntry("nginx", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }
}
