package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerProbeTest {

    private static final String PROM = """
            # HELP jvm_gc_pause_seconds Time spent in GC pause
            # TYPE jvm_gc_pause_seconds summary
            jvm_gc_pause_seconds_count{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 7
            jvm_gc_pause_seconds_sum{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.045
            jvm_gc_pause_seconds_count{action="end of minor GC",cause="Metadata GC Threshold",gc="G1 Young Generation"} 1
            jvm_gc_pause_seconds_sum{action="end of minor GC",cause="Metadata GC Threshold",gc="G1 Young Generation"} 0.071
            jvm_gc_pause_seconds_max{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.012
            jvm_gc_pause_seconds_max{action="end of minor GC",cause="Metadata GC Threshold",gc="G1 Young Generation"} 0.0
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.9922944E7
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.0E7
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.9E7
            jvm_threads_live_threads 28.0
            process_cpu_time_ns_total 2.392E10
            process_cpu_usage 0.25
            callvault_media_frames_received_total 1230.0
            odd_metric{path="/a,b",q="x\\"y}"} 3 1712345678000
            """;

    @Test
    void parsesAndSumsPrometheusText() {
        List<ServerProbe.PromSample> s = ServerProbe.parsePrometheus(PROM);
        assertEquals(14, s.size());
        ServerProbe.Sample x = new ServerProbe.Sample();
        ServerProbe.applyPrometheus(x, s);
        assertTrue(x.promOk);
        assertEquals(8, x.gcPauseCount);
        assertEquals(0.116, x.gcPauseSumSeconds, 1e-9);
        assertEquals(0.012, x.gcPauseMaxSeconds, 1e-9);
        assertEquals(3.9922944E7, x.heapUsedBytes);
        assertEquals(28, x.liveThreads);
        assertEquals(2.392E10, x.processCpuNs);
        assertEquals(0.25, x.processCpuUsage);
        assertEquals(1230.0, x.callvault.get("callvault_media_frames_received_total"));
        ServerProbe.PromSample odd = s.get(13);
        assertEquals("odd_metric", odd.name());
        assertEquals("/a,b", odd.labels().get("path"));
        assertEquals("x\"y}", odd.labels().get("q"));
        assertEquals(3, odd.value());
    }

    @Test
    void missingMetricsAreNaN() {
        ServerProbe.Sample x = new ServerProbe.Sample();
        ServerProbe.applyPrometheus(x, ServerProbe.parsePrometheus("up 1\n"));
        assertTrue(Double.isNaN(x.processCpuNs));
        assertTrue(Double.isNaN(x.gcPauseMaxSeconds));
    }

    @Test
    void procStatWithSpacesInTheCommand() {
        String stat = "31882 (java main (x)) S 1 31882 31882 0 -1 4194560 83453 0 1 0 8123 1456 0 0 20 0 47 0 5553 "
                + "3805646848 93046 18446744073709551615 1 1 0 0 0 0 0 4096 16796879 0 0 0 17 1 0 0 0 0 0";
        assertArrayEquals(new long[] {8123 + 1456, 47}, ServerProbe.parseProcStat(stat));
    }

    @Test
    void systemCpuLine() {
        long[] v = ServerProbe.parseSysStat("cpu  100 5 50 800 20 3 2 1 0 0");
        assertEquals(981, v[1]);
        assertEquals(981 - 820, v[0]);
    }

    @Test
    void machineBusyComesFromIdleTicksAgainstWallTime() {
        ServerProbe.Sample a = new ServerProbe.Sample();
        ServerProbe.Sample b = new ServerProbe.Sample();
        a.wallNanos = 0;
        b.wallNanos = 10_000_000_000L; // 10 s, 100 ticks/s, 2 cpus: 2,000 ticks of capacity
        a.sysBusyTicks = 100;
        a.sysTotalTicks = 1_100; // 1,000 idle
        b.sysBusyTicks = 150; // busy counters undercount: ignored
        b.sysTotalTicks = 2_650; // 2,500 idle: 1,500 idle ticks in the window
        assertEquals(25.0, ServerProbe.machineBusyPct(a, b, 100, 2), 1e-9);
        assertTrue(Double.isNaN(ServerProbe.machineBusyPct(a, a, 100, 2)));
    }
}
