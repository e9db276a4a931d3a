package org.callvault.loadtool;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's results as one nested map: printed as a human summary, a one-line key=value result in the
 * style of the floor's, and JSON.
 */
final class Report {

    private Report() {
    }

    /** A number without trailing zeros ("50", "2.5"); NaN as "NaN". */
    static String num(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return String.valueOf(d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.valueOf((long) d);
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    static Double round(double d, int digits) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return null;
        }
        double f = Math.pow(10, digits);
        return Math.round(d * f) / f;
    }

    static String fixed(double d, int digits) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "NaN";
        }
        return String.format(java.util.Locale.ROOT, "%." + digits + "f", d);
    }

    /** The key=value line; keys shared with the floor's line mean the same thing. */
    static String resultLine(Map<String, Object> kv) {
        StringBuilder b = new StringBuilder();
        Iterator<Map.Entry<String, Object>> it = kv.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Object> e = it.next();
            Object v = e.getValue();
            String s;
            if (v == null) {
                s = "NaN";
            } else if (v instanceof Double d) {
                s = num(d);
            } else {
                s = String.valueOf(v).replace(' ', '_');
            }
            b.append(e.getKey()).append('=').append(s);
            if (it.hasNext()) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    static String toJson(Map<String, Object> root, boolean pretty) {
        try {
            return pretty ? EventChannel.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root)
                    : EventChannel.JSON.writeValueAsString(root);
        } catch (RuntimeException e) {
            return "{\"error\":" + EventChannel.quote(e.toString()) + "}";
        }
    }

    @SuppressWarnings("unchecked")
    static String summary(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        Map<String, Object> calls = (Map<String, Object>) r.get("calls");
        Map<String, Object> frames = (Map<String, Object>) r.get("frames");
        Map<String, Object> delay = (Map<String, Object>) r.get("relayDelayMs");
        Map<String, Object> setup = (Map<String, Object>) r.get("setupMs");
        Map<String, Object> tool = (Map<String, Object>) r.get("tool");
        Map<String, Object> server = (Map<String, Object>) r.get("server");
        Map<String, Object> rec = (Map<String, Object>) r.get("recordings");
        Map<String, Object> faults = (Map<String, Object>) r.get("faults");
        b.append("== CallVault load run ").append(r.get("runId")).append(" against ").append(r.get("url")).append('\n');
        b.append(String.format("calls     : %s concurrent, %s attempted, %s answered, %s ok, %s failed; ramp %s ms, steady %s s%n",
                calls.get("concurrent"), calls.get("attempted"), calls.get("answered"), calls.get("ok"), calls.get("failed"),
                r.get("rampMs"), r.get("steadySeconds")));
        Map<String, Object> failures = (Map<String, Object>) calls.get("failures");
        if (failures != null && !failures.isEmpty()) {
            failures.forEach((k, v) -> b.append("            failed ").append(v).append("x: ").append(k).append('\n'));
        }
        b.append(String.format("setup     : dial to both media sockets open p50 %s ms, p99 %s ms, max %s ms%n",
                setup.get("p50"), setup.get("p99"), setup.get("max")));
        Map<String, Object> phases = (Map<String, Object>) r.get("setupTimelineMs");
        if (phases != null && !phases.isEmpty()) {
            b.append("            after the dial, p50/max ms:");
            phases.forEach((k, v) -> {
                Map<String, Object> p = (Map<String, Object>) v;
                b.append(' ').append(k).append(' ').append(p.get("p50")).append('/').append(p.get("max")).append(';');
            });
            b.setLength(b.length() - 1);
            b.append('\n');
        }
        for (String dir : new String[] {"callerToAgent", "agentToCaller"}) {
            Map<String, Object> d = (Map<String, Object>) frames.get(dir);
            b.append(String.format("%-10s: sent %s, received %s, lost %s (%s of them before the listener's first frame; +%s sent before the listener was connected; gaps %s), duplicates %s, late %s, corrupt %s, header mismatch %s%n",
                    dir.equals("callerToAgent") ? "caller->ag" : "agent->cal", d.get("sent"), d.get("received"), d.get("lost"),
                    d.get("lostAtStart"),
                    d.get("lostBeforeListenerOpen"), d.get("gaps"), d.get("duplicates"), d.get("late"), d.get("corrupt"), d.get("headerMismatch")));
        }
        Map<String, Object> wire = (Map<String, Object>) r.get("wire");
        if (wire != null && "opus".equals(wire.get("codec"))) {
            b.append(String.format("wire      : opus, per leg %s kbit/s up, %s kbit/s down (media header + payload, without WebSocket framing); %s frames decoded, %s without the talker's tone%n",
                    wire.get("kbpsUpPerLeg"), wire.get("kbpsDownPerLeg"), wire.get("opusChecked"), wire.get("opusNotTone")));
        }
        b.append(String.format("steady    : sent %s, received %s, offered %s %% of the real-time rate%n",
                frames.get("steadySent"), frames.get("steadyReceived"), frames.get("offeredPct")));
        b.append(String.format("relay     : p50 %s ms, p99 %s ms, p99.9 %s ms, max %s ms (%s frames in the steady window)%n",
                delay.get("p50"), delay.get("p99"), delay.get("p999"), delay.get("max"), delay.get("count")));
        b.append(String.format("tool      : %s %% of a core, %s %% per call, %s thread(s) on %s, tick lag max %s ms, send lag max %s ms%n",
                tool.get("cpuPct"), tool.get("cpuPctPerCall"), tool.get("threads"), tool.get("transport"),
                tool.get("tickLagMaxMs"), tool.get("sendLagMaxMs")));
        b.append(String.format("server    : cpu %s %% of a core (%s), %s %% per call; heap %s -> %s MB; GC pauses %s (%s ms, max %s ms); threads %s; RSS %s MB%n",
                server.get("cpuPct"), server.get("cpuSource"), server.get("cpuPctPerCall"), server.get("heapUsedMBStart"),
                server.get("heapUsedMBEnd"), server.get("gcPauses"), server.get("gcPauseMs"), server.get("gcPauseMaxMs"),
                server.get("threads"), server.get("rssMB")));
        b.append(String.format("machine   : %s %% busy (all cores)%n", r.get("sysBusyPct")));
        Map<String, Object> media = (Map<String, Object>) r.get("mediaSockets");
        if (media != null) {
            b.append(String.format("media ws  : close codes from the server %s (%s not 1000)%n", media.get("closeCodes"),
                    media.get("closesNot1000")));
        }
        if (faults != null) {
            b.append(String.format("faults    : %s%n", faults));
        }
        if (rec != null) {
            b.append(String.format("recordings: %s ok, %s bad, %s missing of %s; duration error max %s ms, mean %s ms, %s beyond %s ms%n",
                    rec.get("ok"), rec.get("bad"), rec.get("missing"), rec.get("checked"), rec.get("durationErrorMaxMs"),
                    rec.get("durationErrorMeanMs"), rec.get("beyondLimit"), num(RecordingChecker.MAX_DURATION_ERROR_MS)));
            List<Map<String, Object>> bad = (List<Map<String, Object>>) rec.get("problems");
            if (bad != null) {
                for (Map<String, Object> m : bad) {
                    b.append("            ").append(m.get("status")).append(' ').append(m.get("call")).append(": ")
                            .append(m.get("problems")).append('\n');
                }
            }
        }
        Map<String, Object> sip = (Map<String, Object>) r.get("sip");
        if (sip != null) {
            b.append(String.format("sip       : %s of %s calls over SIP to %s; the lines above count browser calls' frames%n",
                    sip.get("slots"), calls.get("concurrent"), sip.get("target")));
            Map<String, Object> kinds = (Map<String, Object>) sip.get("byKind");
            for (String kind : new String[] {"sip", "browser"}) {
                Map<String, Object> k = (Map<String, Object>) kinds.get(kind);
                Map<String, Object> st = (Map<String, Object>) k.get("setupMs");
                b.append(String.format("  %-8s: %s attempted, %s answered, %s connected, %s failed; setup p50 %s ms, p99 %s ms, max %s ms%s%n",
                        kind, k.get("attempted"), k.get("answered"), k.get("connected"), k.get("failed"), st.get("p50"),
                        st.get("p99"), st.get("max"), k.containsKey("recOk") ? String.format("; recordings %s ok, %s bad, %s missing, duration error max %s ms",
                                k.get("recOk"), k.get("recBad"), k.get("recMissing"), k.get("durationErrorMaxMs")) : ""));
                Map<String, Object> f = (Map<String, Object>) k.get("failures");
                if (f != null) {
                    f.forEach((why, n) -> b.append("            failed ").append(n).append("x: ").append(why).append('\n'));
                }
            }
            Map<String, Object> pa = (Map<String, Object>) sip.get("phoneToAgent");
            Map<String, Object> ap = (Map<String, Object>) sip.get("agentToPhone");
            b.append(String.format("  phone->ag: rtp sent %s (%s of them over 20 ms late: the tool's lateness), frames received %s (%s with the tone, %s quiet), lost %s (%s packets not played, %s of them in the steady window; %s frames missing in %s gaps), %s quiet frames inserted by the jitter buffer, duplicates %s%n",
                    pa.get("rtpSent"), pa.get("rtpSentOver20msLate"), pa.get("framesReceived"), pa.get("toneFrames"), pa.get("quietFrames"), pa.get("lost"),
                    pa.get("packetsNotPlayed"), pa.get("packetsNotPlayedSteady"), pa.get("missingInGaps"), pa.get("gaps"), pa.get("fills"), pa.get("duplicates")));
            b.append(String.format("  ag->phone: sent %s, rtp received %s, lost %s (gaps %s), duplicates %s, late %s, without the agent's tone %s, foreign datagrams %s%n",
                    ap.get("sent"), ap.get("rtpReceived"), ap.get("lost"), ap.get("gaps"), ap.get("duplicates"), ap.get("late"),
                    ap.get("notTone"), ap.get("foreign")));
            Map<String, Object> sd = (Map<String, Object>) sip.get("relayDelayMsAgentToPhone");
            b.append(String.format("  sip      : lost %s (%s %%), agent->phone delay p50 %s ms, p99 %s ms, max %s ms; SIP retransmissions %s, BYEs from the server %s%n",
                    sip.get("lost"), sip.get("lostPct"), sd.get("p50"), sd.get("p99"), sd.get("max"), sip.get("retransmissions"),
                    sip.get("byeFromServer")));
        }
        Map<String, Object> sipp = (Map<String, Object>) r.get("sipp");
        if (sipp != null) {
            Map<String, Object> tb = (Map<String, Object>) sipp.get("callerToneInRecordings");
            b.append(String.format("  sipp     : the SIP callers are SIPp (phone->ag counts what the agents heard; SIPp's RTP is not seen): %s calls created, %s successful, %s failed %s, exit code %s%s; caller tone missing in %s of %s 20 ms blocks of the steady window in %s recordings%n",
                    sipp.get("created"), sipp.get("successful"), sipp.get("failed"), sipp.get("failures"), sipp.get("exitCode"),
                    sipp.get("problem") == null ? "" : " (" + sipp.get("problem") + ")", tb.get("missing"), tb.get("checked"),
                    tb.get("recordingsChecked")));
        }
        Map<String, Object> counters = (Map<String, Object>) r.get("events");
        if (counters != null && !counters.isEmpty()) {
            b.append("events    : ").append(counters).append('\n');
        }
        List<String> notes = (List<String>) r.get("notes");
        if (notes != null && !notes.isEmpty()) {
            b.append("notes     :\n");
            for (String n : notes) {
                b.append("            ").append(n).append('\n');
            }
        }
        return b.toString();
    }

    static Map<String, Object> map() {
        return new LinkedHashMap<>();
    }
}
