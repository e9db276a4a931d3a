package org.callvault.loadtool;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code --sipp} run reports beside the SIP figures: SIPp's own verdict ({@link SippDriver})
 * and, per recording of a SIPp call, the 20 ms blocks of the steady window without the caller's tone
 * ({@link CallerToneBlocks}): the stand-in for the tool's "packets not played", which needs the
 * caller's send timeline.
 */
final class SippFigures {

    final SippDriver driver;
    final SippDriver.Outcome outcome;
    /** Recordings of SIPp calls judged (null without {@code --recordings}), their blocks and misses. */
    Integer recordingsChecked;
    long blocksChecked;
    long blocksMissing;
    final List<Map<String, Object>> problems = new ArrayList<>();

    private SippFigures(SippDriver driver, SippDriver.Outcome outcome) {
        this.driver = driver;
        this.outcome = outcome;
    }

    /**
     * Gathers SIPp's verdict and judges the recordings ({@code rec}, null without {@code --recordings})
     * of the SIPp calls over the steady window: a recording starts at the answer, so the window is
     * found in it from the moment the agent saw the call answered.
     */
    static SippFigures of(SippDriver driver, SippDriver.Outcome outcome, Run run, List<RecordingChecker.Result> rec) {
        SippFigures f = new SippFigures(driver, outcome);
        if (rec == null) {
            return f;
        }
        Map<String, Long> answeredNanos = new HashMap<>();
        for (LoopState ls : run.loops) {
            answeredNanos.putAll(LoadTool.onLoop(ls, () -> {
                Map<String, Long> m = new HashMap<>();
                for (CallSlot s : ls.slots) {
                    for (Attempt a : s.attempts) {
                        if (a.sippCall && a.callId != null && a.answeredNanos > 0) {
                            m.put(a.callId, a.answeredNanos);
                        }
                    }
                }
                return m;
            }, Map.of()));
        }
        int checked = 0;
        for (RecordingChecker.Result r : rec) {
            Long answered = answeredNanos.get(r.expected.callId());
            if (answered == null || r.file == null) {
                continue;
            }
            try {
                CallerToneBlocks.Count c = CallerToneBlocks.count(r.file, SippDriver.FREQUENCY,
                        (run.steadyStart - answered) / 1e6, (run.steadyEnd - answered) / 1e6);
                checked++;
                f.blocksChecked += c.checked();
                f.blocksMissing += c.missing();
                if (c.missing() > 0 && f.problems.size() < 20) {
                    f.problems.add(Map.of("call", r.expected.label(), "blocksMissing", c.missing(), "blocks", c.checked()));
                }
            } catch (IOException e) {
                if (f.problems.size() < 20) {
                    f.problems.add(Map.of("call", r.expected.label(), "problem", String.valueOf(e.getMessage())));
                }
            }
        }
        f.recordingsChecked = checked;
        return f;
    }

    boolean clean() {
        return outcome.clean() && blocksMissing == 0;
    }

    Map<String, Object> section() {
        Map<String, Object> m = Report.map();
        m.put("dir", driver.dir.toString());
        m.put("command", String.join(" ", driver.command));
        m.put("calls", driver.calls);
        m.put("toneHz", SippDriver.FREQUENCY);
        m.putAll(outcome.toMap());
        Map<String, Object> blocks = Report.map();
        blocks.put("recordingsChecked", recordingsChecked);
        blocks.put("blockMillis", CallerToneBlocks.BLOCK_MILLIS);
        blocks.put("checked", blocksChecked);
        blocks.put("missing", blocksMissing);
        blocks.put("problems", problems);
        m.put("callerToneInRecordings", blocks);
        return m;
    }

    /** The result line's keys, after the SIP ones. */
    void putResultKeys(Map<String, Object> kv) {
        kv.put("sippCalls", driver.calls);
        kv.put("sippCreated", outcome.created());
        kv.put("sippOk", outcome.successful());
        kv.put("sippFailed", outcome.failed());
        kv.put("sippExit", outcome.exitCode());
        if (recordingsChecked != null) {
            kv.put("sippBlocksChecked", blocksChecked);
            kv.put("sippBlocksMissing", blocksMissing);
        }
    }
}
