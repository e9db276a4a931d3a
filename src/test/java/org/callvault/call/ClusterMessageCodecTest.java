package org.callvault.call;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The codec an answer carries to the call's node (docs/ARCHITECTURE.md, "Live calls across nodes"):
 * checked on receipt like every field, so another node's word cannot make the call's node read a
 * media socket as something it never agreed to.
 */
class ClusterMessageCodecTest {

    private static ClusterMessage answer(String codec) {
        return ClusterMessage.command("b", "a", "answer", "c0ffee", "beef", "alice", codec);
    }

    @Test
    void anAnswerNamesPcmOrOpusOrNothingAtAll() {
        assertThat(answer("opus").problem()).isNull();
        assertThat(answer("pcm").problem()).isNull();
        assertThat(answer(null).problem()).as("a node older than the field").isNull();
    }

    @Test
    void anyOtherCodecOrACodecOnAnotherMessageDropsTheMessage() {
        for (String wrong : new String[] { "g729", "OPUS", "", "opus ", "x".repeat(300) }) {
            assertThat(answer(wrong).problem()).as(wrong).isEqualTo("bad codec");
        }
        assertThat(ClusterMessage.command("b", "a", "decline", "c0ffee", "beef", "alice", "opus").problem())
                .as("only an answer opens a media socket").isEqualTo("bad codec");
        ClusterMessage presence = ClusterMessage.presence("b", "beef", "alice", "available");
        assertThat(new ClusterMessage(presence.type(), presence.from(), null, null, presence.console(), presence.user(),
                presence.status(), null, null, null, null, null, null, null, null, null, null, "opus").problem())
                .isEqualTo("bad codec");
    }
}
