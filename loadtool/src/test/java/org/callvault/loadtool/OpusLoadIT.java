package org.callvault.loadtool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --codec opus} against the real server jar: three browser calls negotiate Opus (protocol
 * version 2) beside one SIP call, every frame arrives byte for byte, the sampled decodes hear the
 * partner's tone, each leg stays under 40 kbit/s each way, and the WAV recordings are exact.
 */
class OpusLoadIT {

    @TempDir
    Path dir;

    private RealServer server;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void threeOpusCallsBesideASipCallAreAnsweredLosslessLeanAndRecordedExactly() throws Exception {
        int http = RealServer.freeTcpPort();
        int sip = RealServer.freeUdpPort();
        Path recordings = dir.resolve("rec");
        server = RealServer.start(dir, http, "--callvault.sip.port=" + sip, "--callvault.sip.bind=127.0.0.1",
                "--callvault.recordings.dir=" + recordings);
        Path json = dir.resolve("result.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // 4 slots, 25 % over SIP: slot 3 is a SIP phone, slots 0..2 are Opus browser calls
        Options o = Options.parse(new String[] {"--url", "http://127.0.0.1:" + http, "--calls", "4", "--run", "10",
                "--codec", "opus", "--sip", "127.0.0.1:" + sip, "--sip-share", "25",
                "--recordings", recordings.toString(), "--json", json.toString()},
                Map.of("CALLVAULT_LOADTOOL_PASSWORD", RealServer.PASSWORD));

        new LoadTool(o, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run();

        String log = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        JsonNode r = JsonMapper.builder().build().readTree(json.toFile());
        JsonNode kinds = r.path("sip").path("byKind");
        JsonNode browser = kinds.path("browser");
        assertEquals(3, browser.path("attempted").asInt(), log);
        assertEquals(3, browser.path("answered").asInt(), log);
        assertEquals(0, browser.path("failed").asInt(), log);
        assertEquals(1, kinds.path("sip").path("connected").asInt(), log);
        assertEquals(0, kinds.path("sip").path("failed").asInt(), log);

        // the browser calls' frames: all of them, byte for byte, with headers as sent
        JsonNode frames = r.path("frames");
        assertTrue(frames.path("sent").asLong() >= 3 * 2 * 10 * 50, log);
        assertEquals(0, frames.path("lost").asLong(), log);
        assertEquals(0, frames.path("duplicates").asLong(), log);
        assertEquals(0, frames.path("corrupt").asLong(), log);
        assertEquals(0, frames.path("headerMismatch").asLong(), log);
        assertEquals(0, frames.path("callerToAgent").path("malformed").asLong(), log);
        assertEquals(0, frames.path("agentToCaller").path("malformed").asLong(), log);

        JsonNode wire = r.path("wire");
        assertEquals("opus", wire.path("codec").asString(), log);
        double up = wire.path("kbpsUpPerLeg").asDouble();
        double down = wire.path("kbpsDownPerLeg").asDouble();
        assertTrue(up > 10 && up < 40, "up " + up + " kbit/s\n" + log);
        assertTrue(down > 10 && down < 40, "down " + down + " kbit/s\n" + log);
        // 1 frame in 50 per leg decoded: about 6 legs x 10 s x 1/s, each with the partner's tone
        assertTrue(wire.path("opusChecked").asLong() >= 6 * 9, log);
        assertEquals(0, wire.path("opusNotTone").asLong(), log);

        JsonNode rec = r.path("recordings");
        assertEquals(4, rec.path("ok").asInt(), log);
        assertEquals(0, rec.path("bad").asInt() + rec.path("missing").asInt(), log);
        assertTrue(rec.path("durationErrorMaxMs").asDouble() <= RecordingChecker.MAX_DURATION_ERROR_MS, log);
        // the SIP call beside them: its loss is SIP's jitter buffer's (SipPhoneTest, SippLoadIT), bounded here
        assertTrue(r.path("sip").path("lost").asLong() <= 10, log);

        String line = r.path("resultLine").asString();
        for (String key : List.of("codec=opus", "wireKbpsUp=", "wireKbpsDown=", "notTone=0", "lost=0", "recOk=4")) {
            assertTrue(line.contains(" " + key), key + " in " + line);
        }
    }
}
