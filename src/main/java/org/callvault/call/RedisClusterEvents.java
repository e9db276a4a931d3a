package org.callvault.call;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.callvault.system.SharedRedis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link ClusterEvents} over Redis pub/sub: one channel, {@code <prefix>cluster}, that every node
 * publishes to and subscribes to. Messages are JSON; each received one is size-checked, parsed and
 * validated ({@link ClusterMessage#problem()}), and a bad one is logged and dropped. Listeners run on
 * one thread of their own ({@code cluster-events}), in order, behind a bounded queue: Lettuce's
 * network thread only parses.
 */
final class RedisClusterEvents implements ClusterEvents, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisClusterEvents.class);
    /** Far above any real message (an offer to hundreds of consoles is a few KiB). */
    static final int MAX_MESSAGE_BYTES = 512 * 1024;
    private static final int MAX_QUEUED = 10_000;

    private final SharedRedis redis;
    private final String channel;
    private final String nodeId;
    private final JsonMapper json;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService worker;
    private final StatefulRedisPubSubConnection<String, String> subscription;
    private volatile long lastPublishFailureLog;
    /** Subscribed to the cluster channel now (the link's listeners hear it only once publishing works too). */
    private volatile boolean subscribedNow;
    private volatile boolean closed;
    /** Retries the check that publishing works again after a reconnect. */
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "cluster-events-retry");
        thread.setDaemon(true);
        return thread;
    });

    RedisClusterEvents(SharedRedis redis, String nodeId, JsonMapper json) {
        this.redis = redis;
        this.nodeId = nodeId;
        this.json = json;
        this.channel = redis.key("cluster");
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(MAX_QUEUED), r -> {
            Thread thread = new Thread(r, "cluster-events");
            thread.setDaemon(true);
            return thread;
        });
        this.subscription = redis.connectPubSub();
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String text) {
                if (channel.equals(from)) {
                    receive(text);
                }
            }

            /**
             * The link is back once Redis confirms the subscription (Lettuce subscribes again after
             * it reconnects), not when the socket connects: what another node sends in answer to this
             * node's {@code hello} before then would be lost.
             */
            @Override
            public void subscribed(String subscribed, long count) {
                if (channel.equals(subscribed)) {
                    log.info("Cluster events: subscribed to the cluster channel");
                    subscribedNow = true;
                    whenPublishingWorks(() -> dispatch(Listener::connected));
                }
            }
        });
        redis.addConnectionListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == subscription) {
                    subscribedNow = false;
                    log.warn("Cluster events: Redis lost; calls ring at this node's consoles only until it is back");
                    dispatch(Listener::disconnected);
                }
            }
        });
        subscription.sync().subscribe(channel);
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void subscribe(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void publish(ClusterMessage message) {
        String text;
        try {
            text = json.writeValueAsString(message);
        }
        catch (JacksonException e) {
            log.error("Cluster events: cannot write a {} message", message.type(), e);
            return;
        }
        try {
            redis.publish(channel, text).exceptionally(failure -> {
                publishFailed(message, failure);
                return null;
            });
        }
        catch (RuntimeException failure) {
            publishFailed(message, failure);
        }
    }

    private void publishFailed(ClusterMessage message, Throwable failure) {
        long now = System.nanoTime();
        if (now - lastPublishFailureLog > 5_000_000_000L || lastPublishFailureLog == 0) {
            lastPublishFailureLog = now;
            log.warn("Cluster events: a {} message was not published ({}); further failures within 5 s are not logged",
                    message.type(), failure.toString());
        }
    }

    /** On Lettuce's thread: check and parse, then hand over to the worker. Never throws. */
    void receive(String text) {
        try {
            if (text.length() > MAX_MESSAGE_BYTES || text.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
                log.warn("Cluster events: a message of {} characters dropped (over {} bytes)", text.length(), MAX_MESSAGE_BYTES);
                return;
            }
            ClusterMessage message = json.readValue(text, ClusterMessage.class);
            String problem = message == null ? "empty" : message.problem();
            if (problem != null) {
                log.warn("Cluster events: a message dropped: {} (type {})", problem,
                        message == null ? null : truncate(message.type()));
                return;
            }
            if (nodeId.equals(message.from()) || message.to() != null && !nodeId.equals(message.to())) {
                return; // our own, or for another node
            }
            dispatch(listener -> listener.received(message));
        }
        catch (RuntimeException e) { // JacksonException among them
            log.warn("Cluster events: a malformed message dropped ({})", e.getClass().getSimpleName() + ": "
                    + truncate(String.valueOf(e.getMessage())));
        }
    }

    private void dispatch(java.util.function.Consumer<Listener> action) {
        try {
            worker.execute(() -> {
                for (Listener listener : listeners) {
                    try {
                        action.accept(listener);
                    }
                    catch (RuntimeException e) {
                        log.error("Cluster events: a listener failed", e);
                    }
                }
            });
        }
        catch (RejectedExecutionException full) {
            log.warn("Cluster events: {} messages waiting; one dropped", MAX_QUEUED);
        }
    }

    /**
     * Runs {@code then} once the connection that publishes answers, checked every 200 ms while the
     * subscription stands. After an outage the subscription can come back a few milliseconds before
     * it: the {@code hello} and snapshot a listener sends on {@code connected} would be refused and
     * lost, and the other nodes never resynchronised (CrossNodeResyncIT saw it once).
     */
    private void whenPublishingWorks(Runnable then) {
        if (closed || !subscribedNow) {
            return;
        }
        try {
            redis.ping().whenComplete((pong, failure) -> {
                if (failure == null) {
                    if (subscribedNow) {
                        then.run();
                    }
                }
                else {
                    retryLater(then);
                }
            });
        }
        catch (RuntimeException failure) {
            retryLater(then);
        }
    }

    private void retryLater(Runnable then) {
        try {
            retries.schedule(() -> whenPublishingWorks(then), 200, TimeUnit.MILLISECONDS);
        }
        catch (RejectedExecutionException stopped) {
            // closing
        }
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    @Override
    public void close() {
        closed = true;
        retries.shutdownNow();
        subscription.close();
        worker.shutdownNow();
    }
}
