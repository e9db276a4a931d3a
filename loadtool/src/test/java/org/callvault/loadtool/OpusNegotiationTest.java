package org.callvault.loadtool;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@code --codec}: the hello the legs send and what they accept back (docs/protocol.md, version 2). */
class OpusNegotiationTest {

    private static JsonNode json(String s) {
        return EventChannel.JSON.readTree(s);
    }

    @Test
    void theHelloAsksForOpusOnlyAndTheAnswerMustAgree() {
        JsonNode hello = json(CallSlot.HELLO_OPUS);
        assertEquals("hello", hello.path("type").asString());
        assertEquals(2, hello.path("version").asInt());
        assertEquals("[\"opus\"]", hello.path("codecs").toString());
        assertNull(CallSlot.helloProblem(json("{\"type\":\"hello\",\"version\":2,\"codec\":\"opus\",\"codecs\":[\"opus\",\"pcm\"]}")));
        assertNotNull(CallSlot.helloProblem(json("{\"type\":\"hello\",\"version\":2,\"codec\":\"pcm\",\"codecs\":[\"pcm\"]}")));
        assertNotNull(CallSlot.helloProblem(json("{\"type\":\"hello\",\"version\":1,\"codec\":\"opus\"}")));
    }

    @Test
    void theMediaMessageMustSayOpus48kHz20msMono() {
        String ok = "{\"type\":\"media\",\"callId\":\"c\",\"leg\":\"caller\",\"token\":\"t\",\"url\":\"/ws/media?token=t\","
                + "\"version\":2,\"codec\":\"opus\",\"kind\":1,\"sampleRate\":48000,\"frameMillis\":20,\"samplesPerFrame\":960,"
                + "\"maxFrameBytes\":1292,\"channels\":1}";
        assertNull(CallSlot.opusMediaProblem(json(ok)));
        for (String[] bad : new String[][] {{"\"codec\":\"opus\"", "\"codec\":\"pcm\""}, {"\"kind\":1", "\"kind\":0"},
                {"48000", "44100"}, {"\"samplesPerFrame\":960", "\"samplesPerFrame\":882"}, {"\"frameMillis\":20", "\"frameMillis\":60"},
                {"\"channels\":1", "\"channels\":2"}}) {
            assertNotNull(CallSlot.opusMediaProblem(json(ok.replace(bad[0], bad[1]))), bad[1]);
        }
        // a version-1 media message (no codec): not what an Opus leg asked for
        assertNotNull(CallSlot.opusMediaProblem(json("{\"type\":\"media\",\"callId\":\"c\",\"token\":\"t\"}")));
    }

    @Test
    void codecOptionIsPcmByDefaultAndValidated() throws Exception {
        java.util.Map<String, String> env = java.util.Map.of("CALLVAULT_LOADTOOL_PASSWORD", "pw");
        assertFalse(Options.parse(new String[] {}, env).opus);
        assertTrue(Options.parse(new String[] {"--codec", "opus"}, env).opus);
        assertFalse(Options.parse(new String[] {"--codec=pcm"}, env).opus);
        Options.UsageException e = assertThrows(Options.UsageException.class,
                () -> Options.parse(new String[] {"--codec", "g711"}, env));
        assertTrue(e.getMessage().contains("--codec must be opus or pcm"), e.getMessage());
        assertThrows(Options.UsageException.class,
                () -> Options.parse(new String[] {"--codec", "opus", "--siprec", "127.0.0.1:5080"}, env));
    }
}
