package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipOptionsTest {

    private static final Map<String, String> ENV = Map.of("CALLVAULT_LOADTOOL_PASSWORD", "pw");

    private static Options parse(String... args) throws Options.UsageException {
        return Options.parse(args, ENV);
    }

    @Test
    void withoutSipEverySlotIsABrowserCall() throws Exception {
        Options o = parse("--calls", "10");
        assertNull(o.sipServer);
        assertEquals(0, o.sipSlots());
        for (int i = 0; i < 10; i++) {
            assertFalse(o.isSipSlot(i));
        }
    }

    @Test
    void sipAloneMeansEveryCallOverSip() throws Exception {
        Options o = parse("--sip", "127.0.0.1:15060", "--calls", "7");
        assertEquals("127.0.0.1", o.sipServer.getHostString());
        assertEquals(15060, o.sipServer.getPort());
        assertEquals(100, o.sipShare);
        assertEquals(7, o.sipSlots());
        assertEquals("127.0.0.1", o.sipLocalHost);
        for (int i = 0; i < 7; i++) {
            assertTrue(o.isSipSlot(i));
        }
    }

    @Test
    void shareIsSpreadEvenlyAndCountsExactly() throws Exception {
        Options half = parse("--sip=localhost:5060", "--sip-share=50", "--calls=10");
        int n = 0;
        for (int i = 0; i < 10; i++) {
            if (half.isSipSlot(i)) {
                n++;
                assertEquals(1, i % 2, "every second slot");
            }
        }
        assertEquals(5, n);
        assertEquals(5, half.sipSlots());
        Options tenth = parse("--sip", "127.0.0.1:5060", "--sip-share", "10", "--calls", "100");
        long count = java.util.stream.IntStream.range(0, 100).filter(tenth::isSipSlot).count();
        assertEquals(10, count);
        assertEquals(10, tenth.sipSlots());
        Options none = parse("--sip", "127.0.0.1:5060", "--sip-share", "0", "--calls", "5");
        assertEquals(0, java.util.stream.IntStream.range(0, 5).filter(none::isSipSlot).count());
    }

    @Test
    void ipv6NeedsBracketsAndBindsIpv6() throws Exception {
        Options o = parse("--url", "http://[::1]:8080", "--sip", "[::1]:5060");
        assertEquals("::1", o.sipServer.getHostString());
        assertEquals("::1", o.sipLocalHost);
        assertThrows(Options.UsageException.class, () -> parse("--sip", "::1:5060"));
    }

    @Test
    void badValuesAreRefused() {
        for (String[] args : new String[][] {
                {"--sip", "127.0.0.1"},
                {"--sip", "127.0.0.1:"},
                {"--sip", ":5060"},
                {"--sip", "127.0.0.1:0"},
                {"--sip", "127.0.0.1:65536"},
                {"--sip", "sip.example.com:5060"},
                {"--sip", "10.0.0.1:5060"},
                {"--sip-share", "50"},
                {"--sip-local", "127.0.0.1"},
                {"--sip", "127.0.0.1:5060", "--sip-share", "101"},
                {"--sip", "127.0.0.1:5060", "--sip-share", "-1"},
                {"--sip", "127.0.0.1:5060", "--sip-share", "half"},
                {"--sip", "127.0.0.1:5060", "--sip-local", "my-host"},
                {"--sip", "127.0.0.1:5060", "--faults", "drop=10"},
        }) {
            assertThrows(Options.UsageException.class, () -> parse(args), String.join(" ", args));
        }
    }

    @Test
    void remoteSipNeedsAllowRemoteAndFaultsStayForBrowserOnlyRuns() throws Exception {
        Options o = parse("--allow-remote", "--sip", "10.0.0.1:5060", "--sip-local", "10.0.0.2");
        assertEquals("10.0.0.2", o.sipLocalHost);
        Options faultsWithoutSipSlots = parse("--sip", "127.0.0.1:5060", "--sip-share", "0", "--faults", "drop=10");
        assertTrue(faultsWithoutSipSlots.faults.any());
    }

    @Test
    void usageNamesTheSipOptions() {
        String u = Options.usage();
        assertTrue(u.contains("--sip HOST:PORT"));
        assertTrue(u.contains("--sip-share P"));
        assertTrue(u.contains("--sip-local ADDR"));
    }
}
