package org.callvault.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.callvault.support.MovableClock;
import org.junit.jupiter.api.Test;

/**
 * Which nodes are alive, on a clock the test moves: a node is declared lost once, only after the
 * lost-after period of silence, never while this node's own link is down, and a node heard again is
 * alive again. The channel is an in-process one (the Redis one is {@link RedisClusterEventsTest}'s).
 */
class NodeLivenessTest {

    private static final Duration LOST_AFTER = Duration.ofSeconds(5);

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Channel channel = new Channel();
    private final List<String> lost = new CopyOnWriteArrayList<>();
    private final NodeLiveness liveness = new NodeLiveness(channel, clock, LOST_AFTER, lost::add);

    @Test
    void eachBeatSaysThisNodeIsAlive() {
        liveness.beat();
        liveness.beat();
        assertThat(channel.published).extracting(ClusterMessage::type).containsExactly("alive", "alive");
        assertThat(channel.published).extracting(ClusterMessage::from).containsOnly("me");
    }

    @Test
    void aNodeSilentForLongerThanLostAfterIsDeclaredLostOnce() {
        channel.hear(ClusterMessage.alive("x", "x1"));
        channel.hear(ClusterMessage.alive("y", "y1"));
        clock.advance(Duration.ofSeconds(3));
        channel.hear(ClusterMessage.hello("y", "y1")); // any message is a sign of life
        clock.advance(Duration.ofSeconds(2));
        liveness.beat();
        assertThat(lost).as("exactly lost-after is not yet past it").isEmpty();

        clock.advance(Duration.ofMillis(1));
        liveness.beat();
        assertThat(lost).containsExactly("x");
        assertThat(liveness.wasLost("x")).isTrue();
        assertThat(liveness.wasLost("y")).isFalse();

        clock.advance(Duration.ofSeconds(10));
        liveness.beat();
        liveness.beat();
        assertThat(lost).containsExactly("x", "y");
    }

    @Test
    void nobodyIsDeclaredLostWhileThisNodesLinkIsDownAndEveryoneGetsAFreshPeriodAfter() {
        channel.hear(ClusterMessage.alive("x", "x1"));
        liveness.disconnected();
        clock.advance(Duration.ofMinutes(1));
        liveness.beat();
        assertThat(lost).isEmpty();

        liveness.connected();
        clock.advance(LOST_AFTER);
        liveness.beat();
        assertThat(lost).as("a whole period from the reconnection").isEmpty();
        clock.advance(Duration.ofMillis(1));
        liveness.beat();
        assertThat(lost).containsExactly("x");
    }

    @Test
    void aFencedNodeTakesEveryOtherAsLostUntilEachIsHeardAgainKeepingTheirIncarnations() {
        channel.hear(ClusterMessage.alive("x", "x1"));
        channel.hear(ClusterMessage.alive("y", "y1"));
        liveness.disconnected();
        assertThat(liveness.declareAllLost()).containsExactlyInAnyOrder("x", "y");
        assertThat(liveness.wasLost("x")).isTrue();
        assertThat(liveness.knownNodes()).isEmpty();
        assertThat(liveness.lastIncarnationOf("x")).as("what the lost_nodes row names").isEqualTo("x1");
        assertThat(liveness.declareAllLost()).as("once").isEmpty();

        liveness.connected();
        channel.hear(ClusterMessage.alive("x", "x1"));
        assertThat(liveness.wasLost("x")).isFalse();
        assertThat(liveness.knownNodes()).containsExactly("x");
        assertThat(lost).as("not a restart: nothing declared to the listener").isEmpty();
    }

    @Test
    void aLostNodeHeardAgainIsAliveAgainAndCanBeLostAgain() {
        channel.hear(ClusterMessage.alive("x", "x1"));
        clock.advance(Duration.ofSeconds(6));
        liveness.beat();
        channel.hear(ClusterMessage.alive("x", "x1"));
        assertThat(liveness.wasLost("x")).isFalse();
        assertThat(liveness.knownNodes()).containsExactly("x");

        clock.advance(Duration.ofSeconds(6));
        liveness.beat();
        assertThat(lost).containsExactly("x", "x");
    }

    @Test
    void aNodeHeardWithANewIncarnationLostItsPreviousLifeAtOnceAndIsKnownAgain() {
        channel.hear(ClusterMessage.alive("x", "x1"));
        channel.hear(ClusterMessage.presence("x", "c0ffee", "alice", "available")); // no incarnation: no change
        clock.advance(Duration.ofSeconds(1));
        channel.hear(ClusterMessage.alive("x", "x1"));
        assertThat(lost).isEmpty();

        channel.hear(ClusterMessage.hello("x", "x2")); // restarted well within lost-after
        assertThat(lost).as("declared lost on the message itself, not by the timeout").containsExactly("x");
        assertThat(liveness.wasLost("x")).as("the new process is alive").isFalse();
        assertThat(liveness.incarnationOf("x")).isEqualTo("x2");
        assertThat(liveness.wasIncarnationOf("x", "x1")).isTrue();
        assertThat(liveness.wasIncarnationOf("x", "x2")).isFalse();

        channel.hear(ClusterMessage.alive("x", "x2"));
        liveness.beat();
        assertThat(lost).as("once per lost process").containsExactly("x");
        clock.advance(LOST_AFTER.plusMillis(1));
        liveness.beat();
        assertThat(lost).as("the new process can be lost by silence in its turn").containsExactly("x", "x");
        channel.hear(ClusterMessage.alive("x", "x3"));
        assertThat(lost).as("a process already declared lost is not declared lost twice").containsExactly("x", "x");
        assertThat(liveness.incarnationOf("x")).isEqualTo("x3");
    }

    @Test
    void twoProcessesWithOneNodeIdAreNotTakenForRestartsEverySecond() {
        channel.hear(ClusterMessage.alive("x", "x1"));
        channel.hear(ClusterMessage.alive("x", "x2"));
        for (int i = 0; i < 5; i++) {
            channel.hear(ClusterMessage.alive("x", "x1"));
            channel.hear(ClusterMessage.alive("x", "x2"));
        }
        assertThat(lost).as("only the first switch looked like a restart").containsExactly("x");
    }

    @Test
    void thisNodesIncarnationIsRandomAndWellFormedAndInItsBeats() {
        liveness.beat();
        String mine = liveness.incarnation();
        assertThat(mine).matches("[A-Za-z0-9]{16}");
        assertThat(channel.published.get(0).incarnation()).isEqualTo(mine);
        try (NodeLiveness another = new NodeLiveness(channel, clock, LOST_AFTER, lost::add)) {
            assertThat(another.incarnation()).isNotEqualTo(mine);
        }
    }

    @Test
    void anIncarnationIsCheckedLikeANodeIdAndOnlyOnHelloAndAlive() {
        assertThat(ClusterMessage.alive("x", "a".repeat(32)).problem()).isNull();
        assertThat(ClusterMessage.alive("x", null).problem()).as("a node older than incarnations").isNull();
        for (String wrong : new String[] { "", "a".repeat(33), "x y", "x.1", "é" }) {
            assertThat(ClusterMessage.alive("x", wrong).problem()).as(wrong).isEqualTo("bad incarnation");
            assertThat(ClusterMessage.hello("x", wrong).problem()).as(wrong).isEqualTo("bad incarnation");
        }
        ClusterMessage presence = ClusterMessage.presence("x", "c0ffee", "alice", "available");
        assertThat(new ClusterMessage(presence.type(), presence.from(), null, null, presence.console(), presence.user(),
                presence.status(), null, null, null, null, null, null, null, null, null, "x1", null).problem())
                .isEqualTo("bad incarnation");
    }

    @Test
    void theTimeUntilANodeWouldBeLostCountsFromItsLastSignOfLife() {
        assertThat(liveness.millisUntilLost("x")).as("never heard").isZero();
        channel.hear(ClusterMessage.alive("x", "x1"));
        clock.advance(Duration.ofSeconds(2));
        assertThat(liveness.millisUntilLost("x")).isEqualTo(3_000 + NodeLiveness.BEAT.toMillis());
        clock.advance(Duration.ofSeconds(10));
        assertThat(liveness.millisUntilLost("x")).as("overdue: the next check").isEqualTo(NodeLiveness.BEAT.toMillis());
    }

    @Test
    void aNodeNeverHeardIsNeverLost() {
        clock.advance(Duration.ofHours(1));
        liveness.beat();
        assertThat(lost).isEmpty();
        assertThat(liveness.wasLost("x")).isFalse();
    }

    @Test
    void lostAfterMustBeBetweenTwoSecondsAndTenMinutes() {
        for (Duration wrong : new Duration[] { Duration.ofMillis(1999), Duration.ofMinutes(10).plusMillis(1), null }) {
            assertThatThrownBy(() -> new NodeLiveness(channel, clock, wrong, lost::add))
                    .isInstanceOf(IllegalArgumentException.class);
            if (wrong != null) {
                assertThatThrownBy(() -> new ClusterProperties(wrong)).hasMessageContaining("node-lost-after");
            }
        }
        new NodeLiveness(channel, clock, Duration.ofSeconds(2), lost::add).close();
        assertThat(new ClusterProperties(Duration.ofMinutes(10)).nodeLostAfter()).isEqualTo(Duration.ofMinutes(10));
    }

    /** The cluster channel within one process: what this node publishes, and what the test makes it hear. */
    private static final class Channel implements ClusterEvents {

        final List<ClusterMessage> published = new CopyOnWriteArrayList<>();
        final List<Listener> listeners = new CopyOnWriteArrayList<>();

        void hear(ClusterMessage message) {
            assertThat(message.problem()).isNull();
            listeners.forEach(listener -> listener.received(message));
        }

        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public String nodeId() {
            return "me";
        }

        @Override
        public void publish(ClusterMessage message) {
            published.add(message);
        }

        @Override
        public void subscribe(Listener listener) {
            listeners.add(listener);
        }
    }
}
