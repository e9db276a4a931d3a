package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.callvault.support.DatabaseIndependent;
import org.callvault.support.RedisServer;
import org.callvault.support.ServerProcess;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node configured with Redis whose Redis dies (a redis-server of the test's own, killed): signed-in
 * requests fail closed with 503 naming Redis, health checks without a session go on answering, and
 * signing in works again once Redis is back, without restarting the node.
 */
@DatabaseIndependent
class RedisOutageIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the server log
    Path dir;

    @Test
    void signedInRequestsFailClosedWhileRedisIsDownAndSignInWorksWhenItReturns() throws Exception {
        try (RedisServer redis = RedisServer.start();
                ServerProcess node = ServerProcess.start(Files.createDirectories(dir.resolve("node")),
                        "--callvault.redis.url=" + redis.url(),
                        "--callvault.redis.key-prefix=callvault:test-" + UUID.randomUUID() + ":")) {
            WebClientSession admin = node.signedInAdmin();
            assertThat(admin.get("/users").statusCode()).isEqualTo(200);

            redis.kill();
            HttpResponse<String> down = admin.get("/users");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("Redis");
            assertThat(new WebClientSession(node.port).send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + node.port + "/actuator/health/liveness")).build()).statusCode())
                    .isEqualTo(200);

            redis.restart();
            // The restarted Redis is empty: the old session is gone, a new sign-in works.
            await().atMost(Duration.ofSeconds(30)).until(() -> node.signedInAdmin().get("/users").statusCode() == 200);
        }
    }
}
