package org.callvault.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.callvault.system.SharedRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

/**
 * The cluster channel as a hostile peer sees it: on the Redis at 127.0.0.1:6379 under a key prefix
 * of this test's own, two nodes' {@link RedisClusterEvents}. Whatever is published on the channel
 * that is not a well-formed message is dropped without reaching a listener and without stopping the
 * ones that follow; a node never hears its own messages, nor those addressed to another node.
 */
class RedisClusterEventsTest {

    private final String prefix = "callvault:test-" + UUID.randomUUID() + ":";
    private final JsonMapper json = JsonMapper.builder().build();
    private SharedRedis redisX;
    private SharedRedis redisY;
    private RedisClusterEvents x;
    private RedisClusterEvents y;

    @AfterEach
    void close() {
        for (AutoCloseable closeable : new AutoCloseable[] { x, y, redisX, redisY }) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            }
            catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void malformedMessagesAreDroppedAndWellFormedOnesStillArrive() {
        redisX = SharedRedis.connect("redis://127.0.0.1:6379", prefix, Duration.ofSeconds(2));
        redisY = SharedRedis.connect("redis://127.0.0.1:6379", prefix, Duration.ofSeconds(2));
        x = new RedisClusterEvents(redisX, "x", json);
        y = new RedisClusterEvents(redisY, "y", json);
        List<ClusterMessage> heardByY = new CopyOnWriteArrayList<>();
        List<ClusterMessage> heardByX = new CopyOnWriteArrayList<>();
        y.subscribe(heardByY::add);
        x.subscribe(heardByX::add);
        // A listener that throws must not stop the others, nor later messages.
        y.subscribe(message -> {
            throw new IllegalStateException("a listener's bug");
        });

        String channel = prefix + "cluster";
        for (String hostile : new String[] { "not json", "[]", "null", "{}", "{\"type\":\"nope\",\"from\":\"x\"}",
                "{\"type\":\"hello\",\"from\":\"../etc\"}",
                "{\"type\":\"presence\",\"from\":\"x\",\"console\":\"1\",\"user\":\"u\",\"status\":\"zzz\"}",
                "{\"type\":\"presence\",\"from\":\"x\",\"console\":\"1\",\"user\":\"<u>\",\"status\":\"away\"}",
                "{\"type\":\"party\",\"from\":\"x\",\"to\":\"y\",\"console\":\"1\",\"callId\":\"1\",\"kind\":\"media\"}",
                "{\"type\":\"party\",\"from\":\"x\",\"to\":\"y\",\"console\":\"1\",\"callId\":\"1\",\"kind\":\"leg\",\"role\":\"boss\",\"token\":\"t\"}",
                "{\"type\":\"command\",\"from\":\"x\",\"to\":\"y\",\"callId\":\"1\",\"console\":\"1\",\"user\":\"u\",\"action\":\"delete\"}",
                "{\"type\":\"changed\",\"from\":\"x\",\"callId\":\"1\",\"call\":{\"id\":\"2\",\"state\":\"ENDED\"}}",
                "{\"type\":\"changed\",\"from\":\"x\",\"callId\":\"1\",\"call\":{\"id\":\"1\",\"state\":\"EXPLODED\"}}",
                "{\"type\":\"signout\",\"from\":\"x\",\"user\":\"" + "u".repeat(300) + "\"}",
                snapshot("whole", ClusterMessage.MAX_SNAPSHOT_CALLS + 1, "1"), // no: one call too many
                snapshot("all", 1, "1"), // no such part
                snapshot("whole", 2, "../1"), // a bad call id
                "{\"type\":\"signout\",\"from\":\"x\",\"user\":\"u\",\"consoles\":" + "x".repeat(600_000) + "}" }) {
            redisX.publish(channel, hostile);
        }
        x.publish(ClusterMessage.command("x", "z", "answer", "1", "1", "u", "pcm")); // for another node
        x.publish(ClusterMessage.signOut("x", "maria"));

        await().atMost(Duration.ofSeconds(5)).until(() -> !heardByY.isEmpty());
        x.publish(ClusterMessage.hello("x", "x1"));
        x.publish(ClusterMessage.calls("x", "whole", List.of(new CallView("1", CallState.RINGING, "Ann", null, null,
                java.time.Instant.parse("2026-12-03T07:00:00Z"), null, null, null, null, null, CallView.BROWSER, false,
                List.of()))));
        await().atMost(Duration.ofSeconds(5)).until(() -> heardByY.size() >= 3);
        assertThat(heardByY).extracting(ClusterMessage::type).containsExactly("signout", "hello", "calls");
        assertThat(heardByY.get(2).calls()).extracting(CallView::callerName).containsExactly("Ann");
        assertThat(heardByY.get(0).user()).isEqualTo("maria");
        assertThat(heardByX).as("a node does not hear itself").isEmpty();
    }

    /** A snapshot part of {@code kind} with {@code count} ringing calls of id 1, the last one of id {@code lastId}. */
    private static String snapshot(String kind, int count, String lastId) {
        StringBuilder calls = new StringBuilder();
        for (int i = 0; i < count; i++) {
            calls.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i == count - 1 ? lastId : "1")
                    .append("\",\"state\":\"RINGING\",\"held\":false}");
        }
        return "{\"type\":\"calls\",\"from\":\"x\",\"kind\":\"" + kind + "\",\"calls\":[" + calls + "]}";
    }
}
