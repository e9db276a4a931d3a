package org.callvault.system;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * The one Redis connection of a node that runs with {@code callvault.redis.url} (a bean only then):
 * the counters and caches that must agree across nodes go through it, with every key under the
 * configured prefix. Lettuce multiplexes one thread-safe connection for all callers; every call
 * here blocks (at most the command timeout), so callers keep it off the event loop or accept a
 * loopback round trip. A Redis that is down makes these calls throw {@code RedisException}: the
 * callers fail closed (a sign-in or dial is refused, not let through uncounted).
 */
public final class SharedRedis implements AutoCloseable {

    /**
     * A sliding log as one atomic step: forget the events older than the window, refuse if the
     * limit is reached, else log this one; the key lives one window after its last event.
     * ARGV: now (ms), window (ms), limit, a unique member.
     */
    private static final String ACQUIRE_IN_WINDOW = """
            local now = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
            redis.call('ZADD', KEYS[1], now, ARGV[4])
            redis.call('PEXPIRE', KEYS[1], window)
            return 1""";

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String prefix;

    /** Connects now (a Redis that does not answer fails the start); commands time out after {@code timeout}. */
    public static SharedRedis connect(String url, String prefix, Duration timeout) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        RedisClient client = RedisClient.create(uri);
        // While disconnected, commands fail at once instead of queueing until the timeout.
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        return new SharedRedis(client, prefix);
    }

    private SharedRedis(RedisClient client, String prefix) {
        this.client = client;
        this.connection = client.connect();
        this.prefix = prefix;
    }

    /** {@code name} under this server's key prefix. */
    public String key(String name) {
        return prefix + name;
    }

    public RedisCommands<String, String> commands() {
        return connection.sync();
    }

    /** Runs a Lua script (loaded once, then called by its digest) on these keys and arguments. */
    public <T> T eval(String script, ScriptOutputType type, List<String> keys, String... args) {
        String[] keyArray = keys.toArray(String[]::new);
        try {
            return commands().evalsha(commands().digest(script), type, keyArray, args);
        }
        catch (RedisNoScriptException notLoadedYet) {
            return commands().eval(script, type, keyArray, args);
        }
    }

    /**
     * Logs one event under {@code name} if fewer than {@code limit} were logged in the {@code window}
     * before {@code nowMillis} (a sliding window: no burst of twice the limit across a window's
     * edge, as fixed windows allow); answers whether it was logged.
     */
    public boolean tryAcquireInWindow(String name, long nowMillis, Duration window, int limit) {
        Long logged = eval(ACQUIRE_IN_WINDOW, ScriptOutputType.INTEGER, List.of(key(name)), Long.toString(nowMillis),
                Long.toString(window.toMillis()), Integer.toString(limit), UUID.randomUUID().toString());
        return logged == 1L;
    }

    /** Publishes without waiting (Lettuce keeps one connection's commands in order); a Redis down fails the future. */
    public RedisFuture<Long> publish(String channel, String message) {
        return connection.async().publish(channel, message);
    }

    /** Whether the commands connection answers (the one {@link #publish} uses); a Redis down fails the future. */
    public RedisFuture<String> ping() {
        return connection.async().ping();
    }

    /** A connection of its own for subscribing (a subscribed connection can do nothing else); Lettuce re-subscribes after a reconnect. */
    public StatefulRedisPubSubConnection<String, String> connectPubSub() {
        return client.connectPubSub();
    }

    /** Hears every connection of this client go down and come back. */
    public void addConnectionListener(RedisConnectionStateListener listener) {
        client.addListener(listener);
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
