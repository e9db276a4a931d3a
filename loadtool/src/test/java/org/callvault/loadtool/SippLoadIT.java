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
 * {@code --sipp}: SIPp (Debian's sipp, on the PATH) calls the real server jar, the tool's agent
 * consoles answer, hang up after the window, and the recordings are checked: 3 calls, 15 s.
 */
class SippLoadIT {

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
    void threeSippCallsAreAnsweredRecordedExactlyAndTheCallerIsHeardThroughout() throws Exception {
        int http = RealServer.freeTcpPort();
        int sip = RealServer.freeUdpPort();
        Path recordings = dir.resolve("rec");
        server = RealServer.start(dir, http, "--callvault.sip.port=" + sip, "--callvault.sip.bind=127.0.0.1",
                "--callvault.recordings.dir=" + recordings);
        Path json = dir.resolve("result.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Options o = Options.parse(new String[] {"--url", "http://127.0.0.1:" + http, "--calls", "3", "--run", "15",
                "--sip", "127.0.0.1:" + sip, "--sipp", "default", "--recordings", recordings.toString(),
                "--json", json.toString()}, Map.of("CALLVAULT_LOADTOOL_PASSWORD", RealServer.PASSWORD));

        new LoadTool(o, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run();

        String log = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        JsonNode r = JsonMapper.builder().build().readTree(json.toFile());
        JsonNode sipp = r.path("sipp");
        assertEquals(0, sipp.path("exitCode").asInt(), log);
        assertEquals(3, sipp.path("created").asInt(), log);
        assertEquals(3, sipp.path("successful").asInt(), log);
        assertEquals(0, sipp.path("failed").asInt(), log);
        JsonNode calls = r.path("calls");
        assertEquals(3, calls.path("attempted").asInt(), log);
        assertEquals(3, calls.path("answered").asInt(), log);
        // not failed: each ended as planned, ended/agent_hangup (CallVault's BYE, answered by SIPp)
        assertEquals(0, calls.path("failed").asInt(), log);
        JsonNode byKind = r.path("sip").path("byKind").path("sip");
        assertEquals(3, byKind.path("connected").asInt(), log);
        JsonNode rec = r.path("recordings");
        assertEquals(3, rec.path("ok").asInt(), log);
        assertEquals(0, rec.path("bad").asInt() + rec.path("missing").asInt(), log);
        assertTrue(rec.path("durationErrorMaxMs").asDouble() <= RecordingChecker.MAX_DURATION_ERROR_MS, log);
        // the caller's tone in every 20 ms block of the 15 s window, less the last 200 ms: 3 x 740
        JsonNode blocks = sipp.path("callerToneInRecordings");
        assertEquals(3, blocks.path("recordingsChecked").asInt(), log);
        assertTrue(blocks.path("checked").asLong() >= 3 * 730, log);
        // a quiet machine loses none (docs/BENCHMARKS.md); a test machine busy with builds may delay a
        // few packets: bounded, so that a caller not heard at all (or for seconds) fails
        assertTrue(blocks.path("missing").asLong() <= blocks.path("checked").asLong() / 50, log);
        // the agents heard SIPp's tone: frames with it, from each of the three calls
        JsonNode heard = r.path("sip").path("phoneToAgent");
        assertTrue(heard.path("toneFrames").asLong() >= 3 * 15 * 50, log);
        String line = r.path("resultLine").asString();
        for (String key : List.of("sippCalls=3", "sippCreated=3", "sippOk=3", "sippFailed=0", "sippExit=0",
                "sipRtpSent=NaN")) {
            assertTrue(line.contains(" " + key + " "), key + " in " + line);
        }
    }
}
