package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SippDriverTest {

    private static final Map<String, String> ENV = Map.of("CALLVAULT_LOADTOOL_PASSWORD", "pw");

    /** SIPp 3.6.1's statistics file, cut to the columns that matter plus a neighbour each. */
    private static final String HEADER = "StartTime;CurrentTime;TotalCallCreated;CurrentCall;SuccessfulCall(P);"
            + "SuccessfulCall(C);FailedCall(P);FailedCall(C);FailedCannotSendMessage(C);FailedMaxUDPRetrans(C);"
            + "FailedUnexpectedMessage(C);OutOfCallMsgs(C);";

    @Test
    void theInjectionFileHasOneLinePerCallInOrder() {
        assertEquals("SEQUENTIAL\nload-ab1-1;+15550000001\nload-ab1-12;+15550000012\n",
                SippDriver.injectionFile(List.of("load-ab1-1", "load-ab1-12")));
    }

    @Test
    void theToneLoopsWithoutABreakAndStepsAsTheAgentExpects() {
        byte[] ulaw = SippDriver.toneFile();
        assertEquals(4000, ulaw.length);
        assertEquals(0, ulaw.length % RtpStream.SAMPLES, "whole 20 ms packets");
        // the loop goes on where the file began: the file holds whole periods of the tone
        assertEquals(0, (long) SippDriver.FREQUENCY * ulaw.length % 8000);
        // each packet moves the tone's phase by the step the agent's loss count reads
        assertEquals(Tone.SIP_STEP_CYCLES, (SippDriver.FREQUENCY * 0.02) % 1, 1e-9);
        short[] pcm = new short[ulaw.length];
        for (int i = 0; i < ulaw.length; i++) {
            pcm[i] = Ulaw.decode(ulaw[i]);
        }
        Goertzel.Meter m = new Goertzel.Meter(8000, SippDriver.FREQUENCY);
        m.addBlock(pcm, 0, 1, pcm.length);
        assertTrue(m.relative(0) > 0.99, "relative power " + m.relative(0));
    }

    @Test
    void theCommandRunsEveryCallOnceAtTheRampsShareOnItsOwnPorts() throws Exception {
        Options o = Options.parse(new String[] {"--sip", "127.0.0.1:15060", "--sipp", "default", "--calls", "4"}, ENV);
        List<String> c = SippDriver.command(o, Path.of("/tmp/s.xml"), 4, 12.5, new int[] {5070, 40000, 5071}, 99.6);
        String line = String.join(" ", c);
        assertEquals("sipp", c.get(0));
        assertEquals("127.0.0.1:15060", c.get(1));
        assertTrue(line.contains("-sf /tmp/s.xml -inf calls.csv -m 4 -l 4 -r 12.5 "), line);
        assertTrue(line.contains("-t u1 -i 127.0.0.1 -p 5070 -mi 127.0.0.1 -mp 40000 -ci 127.0.0.1 -cp 5071"), line);
        assertTrue(line.contains("-timeout 100s"), line);
        assertTrue(line.contains("-trace_stat -stf stats.csv -fd 1"), line);
        Options v6 = Options.parse(new String[] {"--sip", "[::1]:5060", "--sipp", "default"}, ENV);
        assertEquals("[::1]:5060", SippDriver.command(v6, Path.of("s.xml"), 1, 0.0001, new int[] {1, 2, 3}, 10).get(1));
    }

    @Test
    void theVerdictIsTheLastRowOfTheStatistics() {
        SippDriver.Outcome ok = SippDriver.parseStats(List.of(HEADER,
                "2026-12-02\t12:43:02.1;2026-12-02\t12:43:03.1;3;3;0;0;0;0;0;0;0;0;",
                "2026-12-02\t12:43:02.1;2026-12-02\t12:43:06.2;3;0;3;3;0;0;0;0;0;0;", ""), 0);
        assertEquals(3, ok.created());
        assertEquals(3, ok.successful());
        assertEquals(0, ok.failed());
        assertEquals(Map.of(), ok.failures());
        assertNull(ok.problem());
        assertTrue(ok.clean());

        SippDriver.Outcome failed = SippDriver.parseStats(List.of(HEADER,
                "a;b;3;0;1;1;2;2;0;1;1;0;"), 1);
        assertEquals(2, failed.failed());
        assertEquals(Map.of("FailedMaxUDPRetrans", 1L, "FailedUnexpectedMessage", 1L), failed.failures());
        assertEquals("sipp exit code 1", failed.problem());
        assertFalse(failed.clean());

        SippDriver.Outcome none = SippDriver.parseStats(List.of(), 254);
        assertEquals("no statistics from sipp", none.problem());
        assertFalse(none.clean());
    }

    @Test
    void sippNeedsSipSlotsAndCallsOfTheWholeRun() throws Exception {
        Options o = Options.parse(new String[] {"--sip", "127.0.0.1:5060", "--sip-share", "50", "--sipp", "default"}, ENV);
        assertEquals("default", o.sippScenario);
        assertNull(o.warmUpRun().sippScenario, "the warm-up's SIP callers are the tool's phones");
        assertEquals("default", o.sippScenario);
        Options.UsageException noSip = assertThrows(Options.UsageException.class,
                () -> Options.parse(new String[] {"--sipp", "default"}, ENV));
        assertTrue(noSip.getMessage().contains("--sipp need"), noSip.getMessage());
        Options.UsageException noShare = assertThrows(Options.UsageException.class,
                () -> Options.parse(new String[] {"--sip", "127.0.0.1:5060", "--sip-share", "0", "--sipp", "default"}, ENV));
        assertTrue(noShare.getMessage().contains("--sip-share must be above 0"), noShare.getMessage());
        Options.UsageException shortCalls = assertThrows(Options.UsageException.class,
                () -> Options.parse(new String[] {"--sipp", "default", "--sip", "127.0.0.1:5060", "--run", "30", "--duration", "5"}, ENV));
        assertTrue(shortCalls.getMessage().contains("places each call once"), shortCalls.getMessage());
        assertThrows(Options.UsageException.class,
                () -> Options.parse(new String[] {"--sip", "127.0.0.1:5060", "--sipp", " "}, ENV));
    }
}
