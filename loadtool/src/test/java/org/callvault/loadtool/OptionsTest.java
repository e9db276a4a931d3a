package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest {

    private static final Map<String, String> ENV = Map.of("CALLVAULT_LOADTOOL_PASSWORD", "pw-from-env");

    private static Options parse(String... args) throws Options.UsageException {
        return Options.parse(args, ENV);
    }

    @Test
    void defaults() throws Exception {
        Options o = parse();
        assertEquals("http://127.0.0.1:8080", o.url.toString());
        assertEquals(10, o.calls);
        assertEquals(50, o.ramp);
        assertEquals(30, o.runSeconds);
        assertTrue(o.callsLastWholeRun());
        assertEquals("admin", o.user);
        assertEquals("pw-from-env", o.password);
        assertFalse(o.faults.any());
        assertNull(o.jsonFile);
        assertNull(o.recordingsDir);
        assertEquals(1, o.threads);
        assertEquals(1, o.tickMillis);
        assertEquals(8080, o.port());
        assertEquals(5, o.settleSeconds);
    }

    @Test
    void bothOptionForms() throws Exception {
        Options o = parse("--calls", "100", "--ramp=25", "--run", "60", "--duration=20", "--url", "http://localhost:18080/",
                "--user", "maria", "--password=secret", "--json", "out/r.json", "--recordings=/tmp/rec",
                "--server-pid", "auto", "--threads", "2", "--tick-ms", "5", "--seed", "7");
        assertEquals(100, o.calls);
        assertEquals(25, o.ramp);
        assertEquals(60, o.runSeconds);
        assertEquals(20, o.durationSeconds);
        assertFalse(o.callsLastWholeRun());
        assertEquals("http://localhost:18080", o.url.toString());
        assertEquals(18080, o.port());
        assertEquals("maria", o.user);
        assertEquals("secret", o.password);
        assertEquals(Path.of("out/r.json"), o.jsonFile);
        assertEquals(Path.of("/tmp/rec"), o.recordingsDir);
        assertEquals(-1, o.serverPid);
        assertEquals(2, o.threads);
        assertEquals(5, o.tickMillis);
        assertEquals(7, o.seed);
    }

    @Test
    void durationAtLeastTheRunMeansTheWholeRun() throws Exception {
        assertTrue(parse("--run", "30", "--duration", "30").callsLastWholeRun());
        assertTrue(parse("--run", "30", "--duration", "90").callsLastWholeRun());
    }

    @Test
    void faults() throws Exception {
        Options o = parse("--faults", "drop=10,garbage=1.5");
        assertEquals(10, o.faults.dropPct());
        assertEquals(1.5, o.faults.garbagePct());
        assertTrue(o.faults.any());
        assertEquals(5, parse("--faults", " garbage = 5% ").faults.garbagePct());
        assertFalse(parse("--faults", "none").faults.any());
        assertEquals(1, o.faultRounds);
        assertEquals(3, parse("--faults", "drop=10", "--fault-rounds", "3").faultRounds);
        assertThrows(Options.UsageException.class, () -> parse("--fault-rounds", "0"));
        assertThrows(Options.UsageException.class, () -> parse("--faults", "drop=101"));
        assertThrows(Options.UsageException.class, () -> parse("--faults", "explode=1"));
        assertThrows(Options.UsageException.class, () -> parse("--faults", "drop"));
        assertThrows(Options.UsageException.class, () -> parse("--faults", "drop=x"));
    }

    @Test
    void hangupIsTheControlOfDrop() throws Exception {
        Options o = parse("--faults", "hangup=10,garbage=1");
        assertEquals(0, o.faults.dropPct());
        assertEquals(10, o.faults.hangupPct());
        assertTrue(o.faults.any());
        assertEquals("drop=0,garbage=1,hangup=10", o.faults.toString());
        assertEquals("drop=10,garbage=1", parse("--faults", "drop=10,garbage=1").faults.toString());
        assertThrows(Options.UsageException.class, () -> parse("--faults", "drop=60,hangup=50"));
    }

    @Test
    void faultTiming() throws Exception {
        assertEquals(Options.FaultTiming.SPREAD, parse().faultTiming);
        assertEquals(Options.FaultTiming.BURST, parse("--fault-timing", "Burst").faultTiming);
        assertEquals(Options.FaultTiming.SPREAD, parse("--fault-timing=spread").faultTiming);
        Options.UsageException e = assertThrows(Options.UsageException.class, () -> parse("--fault-timing", "now"));
        assertTrue(e.getMessage().contains("spread or burst"), e.getMessage());
    }

    @Test
    void warmUpIsTheSameLoadWithShortRedialledCallsAndReportsNothing() throws Exception {
        Options o = parse("--calls", "100", "--ramp", "20", "--run", "300", "--settle", "15", "--faults", "drop=10,garbage=1",
                "--json", "/tmp/r.json", "--recordings", "/tmp/rec", "--warm-up", "30");
        assertEquals(30, o.warmUpSeconds);
        Options w = o.warmUpRun();
        assertEquals(100, w.calls);
        assertEquals(20, w.ramp);
        assertEquals(o.faults, w.faults);
        assertEquals(30, w.runSeconds);
        assertEquals(Options.WARM_UP_CALL_SECONDS, w.durationSeconds);
        assertFalse(w.callsLastWholeRun());
        assertEquals(0, w.settleSeconds);
        assertEquals(0, w.warmUpSeconds);
        assertNull(w.jsonFile);
        assertNull(w.recordingsDir);
        // the measured run's own options are untouched
        assertEquals(300, o.runSeconds);
        assertTrue(o.callsLastWholeRun());
        assertEquals(Path.of("/tmp/r.json"), o.jsonFile);
        assertEquals(0, parse().warmUpSeconds);
        assertThrows(Options.UsageException.class, () -> parse("--warm-up", "-1"));
        assertThrows(Options.UsageException.class, () -> parse("--warm-up", "601"));
        Options.UsageException e = assertThrows(Options.UsageException.class, () -> parse("--warm-up", "2"));
        assertTrue(e.getMessage().contains("0 (none) or 5..600"), e.getMessage());
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(Options.UsageException.class, () -> parse("--calls", "0"));
        assertThrows(Options.UsageException.class, () -> parse("--calls", "many"));
        assertThrows(Options.UsageException.class, () -> parse("--calls", String.valueOf(Options.MAX_CALLS + 1)));
        assertThrows(Options.UsageException.class, () -> parse("--run", "0"));
        assertThrows(Options.UsageException.class, () -> parse("--run", "100000"));
        assertThrows(Options.UsageException.class, () -> parse("--ramp", "-1"));
        assertThrows(Options.UsageException.class, () -> parse("--tick-ms", "3"));
        assertThrows(Options.UsageException.class, () -> parse("--threads", "99"));
        assertThrows(Options.UsageException.class, () -> parse("--calls"));
        assertThrows(Options.UsageException.class, () -> parse("--frobnicate", "1"));
        assertThrows(Options.UsageException.class, () -> parse("stray"));
        assertThrows(Options.UsageException.class, () -> parse("--url", "https://127.0.0.1:8443"));
        assertThrows(Options.UsageException.class, () -> parse("--url", "http://127.0.0.1:8080/app"));
    }

    @Test
    void aPasswordIsRequired() throws Exception {
        assertThrows(Options.UsageException.class, () -> Options.parse(new String[0], Map.of()));
        assertEquals("x", Options.parse(new String[] {"--password", "x"}, Map.of()).password);
        assertTrue(Options.parse(new String[] {"--help"}, Map.of()).help);
    }

    @Test
    void onlyLoopbackTargetsWithoutAllowRemote() throws Exception {
        assertTrue(Options.isLoopback("127.0.0.1"));
        assertTrue(Options.isLoopback("127.1.2.3"));
        assertTrue(Options.isLoopback("localhost"));
        assertTrue(Options.isLoopback("[::1]"));
        assertFalse(Options.isLoopback("128.0.0.1"));
        assertFalse(Options.isLoopback("127.0.0.1.example.com"));
        assertFalse(Options.isLoopback("127.0.0.256"));
        assertFalse(Options.isLoopback("localhost.example.com"));
        assertFalse(Options.isLoopback("callvault.lan"));
        assertThrows(Options.UsageException.class, () -> parse("--url", "http://callvault.lan:8080"));
        // accepted on request, but only parsed here: nothing is contacted
        assertEquals("callvault.lan", parse("--url", "http://callvault.lan:8080", "--allow-remote").url.getHost());
        assertEquals("::1", parse("--url", "http://[::1]:8080").connectHost());
    }
}
