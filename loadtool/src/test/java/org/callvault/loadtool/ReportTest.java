package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ReportTest {

    @Test
    void resultLineIsFloorStyle() {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("server", "callvault");
        kv.put("calls", 100);
        kv.put("p99", "1.110");
        kv.put("srvCpu", 29.30);
        kv.put("faults", "drop=10 x");
        kv.put("none", null);
        assertEquals("server=callvault calls=100 p99=1.110 srvCpu=29.3 faults=drop=10_x none=NaN", Report.resultLine(kv));
    }

    @Test
    void numbers() {
        assertEquals("50", Report.num(50.0));
        assertEquals("2.5", Report.num(2.50));
        assertEquals("NaN", Report.num(Double.NaN));
        assertEquals(1.23, Report.round(1.2345, 2));
        assertNull(Report.round(Double.NaN, 2));
        assertEquals("0.100", Report.fixed(0.1, 3));
    }
}
