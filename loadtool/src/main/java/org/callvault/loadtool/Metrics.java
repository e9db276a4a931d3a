package org.callvault.loadtool;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.LinkedHashMap;
import java.util.Map;

/** Frame and delay accounting, summed over legs; histograms in microseconds. */
final class Metrics {

    /** One minute: anything slower is clamped. */
    static final long MAX_US = 60_000_000L;

    private Metrics() {
    }

    static SingleWriterRecorder newRecorder() {
        return new SingleWriterRecorder(1, MAX_US, 3);
    }

    static Histogram newHistogram() {
        return new Histogram(1, MAX_US, 3);
    }

    /** Frames of one direction (talker to listener), summed over calls. */
    static final class Direction {
        long sent;
        long received;
        long duplicates;
        long gaps;
        long missing;
        long late;
        long tooOld;
        long corrupt;
        long headerMismatch;
        long unmatched;
        long malformed;
        long steadySent;
        long steadyReceived;
        long early;
        long earlyReceived;
        /** Frames sent after the listener's socket was open but before the first frame reached it. */
        long lostAtStart;
        /** Media frame bytes (16-byte header + payload, no WebSocket framing) sent and received. */
        long bytesSent;
        long bytesReceived;
        /** Frames that arrived, duplicates included, for {@link #bytesReceived}. */
        long wireFramesReceived;
        /** Opus: received frames decoded by the sampled check, and those without the talker's tone. */
        long opusChecked;
        long opusNotTone;

        void add(MediaLeg talker, MediaLeg listener) {
            if (talker != null) {
                sent += talker.sent;
                bytesSent += talker.bytesSent;
                steadySent += talker.steadySent;
                early += talker.earlyFrames;
            }
            if (listener != null) {
                corrupt += listener.corrupt;
                headerMismatch += listener.headerMismatch;
                unmatched += listener.unmatched;
                malformed += listener.malformedRx;
                steadyReceived += listener.steadyReceived;
                bytesReceived += listener.bytesReceived;
                wireFramesReceived += listener.wireFramesReceived;
                opusChecked += listener.opusChecked;
                opusNotTone += listener.opusNotTone;
                addReceived(listener.rx, listener.earlyReceived, talker == null ? 0 : talker.earlyFrames);
            }
        }

        /** The listener's side: what its tracker saw, and how many of the talker's early frames it got. */
        void addReceived(SeqTracker t, long earlyReceivedFrames, long talkerEarlyFrames) {
            received += t.distinct();
            duplicates += t.duplicates();
            gaps += t.gaps();
            missing += t.missing();
            late += t.late();
            tooOld += t.tooOld();
            earlyReceived += earlyReceivedFrames;
            if (t.first() > talkerEarlyFrames) {
                lostAtStart += t.first() - Math.max(talkerEarlyFrames, 0);
            }
        }

        void add(Direction d) {
            sent += d.sent;
            received += d.received;
            duplicates += d.duplicates;
            gaps += d.gaps;
            missing += d.missing;
            late += d.late;
            tooOld += d.tooOld;
            corrupt += d.corrupt;
            headerMismatch += d.headerMismatch;
            unmatched += d.unmatched;
            malformed += d.malformed;
            steadySent += d.steadySent;
            steadyReceived += d.steadyReceived;
            early += d.early;
            earlyReceived += d.earlyReceived;
            lostAtStart += d.lostAtStart;
            bytesSent += d.bytesSent;
            bytesReceived += d.bytesReceived;
            wireFramesReceived += d.wireFramesReceived;
            opusChecked += d.opusChecked;
            opusNotTone += d.opusNotTone;
        }

        /**
         * What one leg sends while it talks, in kbit/s: media frame bytes (header + payload, no
         * WebSocket or TCP framing) per frame times the frame rate; NaN before any frame.
         */
        double kbpsUp(int frameMillis) {
            return kbps(bytesSent, sent, frameMillis);
        }

        /** What one leg receives while its peer talks, in kbit/s, as {@link #kbpsUp}. */
        double kbpsDown(int frameMillis) {
            return kbps(bytesReceived, wireFramesReceived, frameMillis);
        }

        static double kbps(long bytes, long frames, int frameMillis) {
            return frames == 0 ? Double.NaN : bytes * 8.0 / frames / frameMillis;
        }

        /**
         * Sent while the listener's socket was open and never received (final once the talkers have
         * stopped and the relay has drained).
         */
        long lost() {
            return Math.max(0, (sent - early) - (received - earlyReceived));
        }

        /** Sent before the listener's media socket was open and not received (nobody to forward to). */
        long lostBeforeListenerOpen() {
            return Math.max(0, early - earlyReceived);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sent", sent);
            m.put("received", received);
            m.put("lost", lost());
            m.put("lostAtStart", lostAtStart);
            m.put("sentBeforeListenerOpen", early);
            m.put("lostBeforeListenerOpen", lostBeforeListenerOpen());
            m.put("gaps", gaps);
            m.put("missingInGaps", missing);
            m.put("duplicates", duplicates);
            m.put("late", late);
            m.put("tooOld", tooOld);
            m.put("corrupt", corrupt);
            m.put("headerMismatch", headerMismatch);
            m.put("unmatched", unmatched);
            m.put("malformed", malformed);
            m.put("steadySent", steadySent);
            m.put("steadyReceived", steadyReceived);
            m.put("bytesSent", bytesSent);
            m.put("bytesReceived", bytesReceived);
            return m;
        }
    }

    /**
     * SIP calls, both directions. The SIP phone's packets are not relayed one to one: CallVault plays
     * them out of a jitter buffer on its own 20 ms clock, a lost packet becoming a quiet frame. So the
     * phone-to-agent loss is the packets missing between two frames of the phone's tone, read from
     * the tone's phase ({@code holes}; quiet frames the buffer inserted without losing a packet are
     * {@code fills}), plus the frames missing in the relay's sequence; agent to phone, each agent
     * frame is one RTP packet, and the loss is frames sent minus packets received.
     */
    static final class Sip {
        long calls;
        long rtpSent;
        long rtpSentLate;
        long steadyRtpSent;
        long agentFramesReceived;
        long steadyAgentFramesReceived;
        long agentFrameGaps;
        long agentFramesMissing;
        long agentFrameDuplicates;
        long toneFrames;
        long quietFrames;
        long holes;
        long holesSteady;
        long fills;
        long agentSent;
        long steadyAgentSent;
        long rtpReceived;
        long steadyRtpReceived;
        long rtpGaps;
        long rtpMissing;
        long rtpDuplicates;
        long rtpLate;
        long rtpTone;
        long rtpNotTone;
        long rtpForeign;
        long retransmissions;
        long byeFromServer;

        /** A SIP call; with SIPp as the caller ({@code phone} null) only the agent's side is known. */
        void add(Attempt a) {
            SipPhone p = a.phone;
            MediaLeg agent = a.agent;
            calls++;
            if (p != null) {
                rtpSent += p.sent;
                rtpSentLate += p.sentLate;
                steadyRtpSent += p.steadySent;
                rtpReceived += p.rx.distinct();
                steadyRtpReceived += p.steadyReceived;
                rtpGaps += p.rtpGaps();
                rtpMissing += p.rtpMissing();
                rtpDuplicates += p.rx.duplicates();
                rtpLate += p.rx.late();
                rtpTone += p.toneOk;
                rtpNotTone += p.notTone;
                rtpForeign += p.foreign;
                retransmissions += p.retransmissions;
                byeFromServer += p.byeFromServer ? 1 : 0;
            }
            if (agent != null) {
                if (p != null) {
                    agentSent += agent.sent;
                    steadyAgentSent += agent.steadySent;
                }
                agentFramesReceived += agent.rx.distinct();
                steadyAgentFramesReceived += agent.steadyReceived;
                // the relay's sequence may start above 0 (frames before this socket opened): not a gap
                agentFrameGaps += agent.rx.gaps() - (agent.rx.first() > 0 ? 1 : 0);
                agentFramesMissing += agent.rx.missing() - Math.max(0, agent.rx.first());
                agentFrameDuplicates += agent.rx.duplicates();
                toneFrames += agent.sipToneFrames;
                quietFrames += agent.sipQuietFrames;
                holes += agent.sipLost;
                holesSteady += agent.sipLostSteady;
                fills += agent.sipFills;
            }
        }

        void add(Sip o) {
            calls += o.calls;
            rtpSent += o.rtpSent;
            rtpSentLate += o.rtpSentLate;
            steadyRtpSent += o.steadyRtpSent;
            agentFramesReceived += o.agentFramesReceived;
            steadyAgentFramesReceived += o.steadyAgentFramesReceived;
            agentFrameGaps += o.agentFrameGaps;
            agentFramesMissing += o.agentFramesMissing;
            agentFrameDuplicates += o.agentFrameDuplicates;
            toneFrames += o.toneFrames;
            quietFrames += o.quietFrames;
            holes += o.holes;
            holesSteady += o.holesSteady;
            fills += o.fills;
            agentSent += o.agentSent;
            steadyAgentSent += o.steadyAgentSent;
            rtpReceived += o.rtpReceived;
            steadyRtpReceived += o.steadyRtpReceived;
            rtpGaps += o.rtpGaps;
            rtpMissing += o.rtpMissing;
            rtpDuplicates += o.rtpDuplicates;
            rtpLate += o.rtpLate;
            rtpTone += o.rtpTone;
            rtpNotTone += o.rtpNotTone;
            rtpForeign += o.rtpForeign;
            retransmissions += o.retransmissions;
            byeFromServer += o.byeFromServer;
        }

        /** Phone to agent: quiet frames inside the tone plus frames missing in the relay's sequence. */
        long lostToAgent() {
            return holes + agentFramesMissing;
        }

        /** Agent to phone: agent frames that never arrived as RTP packets (final after the drain). */
        long lostToPhone() {
            return Math.max(0, agentSent - rtpReceived);
        }

        long lost() {
            return lostToAgent() + lostToPhone();
        }

        Map<String, Object> phoneToAgent() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rtpSent", rtpSent);
            m.put("rtpSentOver20msLate", rtpSentLate);
            m.put("framesReceived", agentFramesReceived);
            m.put("toneFrames", toneFrames);
            m.put("quietFrames", quietFrames);
            m.put("lost", lostToAgent());
            m.put("packetsNotPlayed", holes);
            m.put("packetsNotPlayedSteady", holesSteady);
            m.put("fills", fills);
            m.put("gaps", agentFrameGaps);
            m.put("missingInGaps", agentFramesMissing);
            m.put("duplicates", agentFrameDuplicates);
            m.put("steadySent", steadyRtpSent);
            m.put("steadyReceived", steadyAgentFramesReceived);
            return m;
        }

        Map<String, Object> agentToPhone() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sent", agentSent);
            m.put("rtpReceived", rtpReceived);
            m.put("lost", lostToPhone());
            m.put("gaps", rtpGaps);
            m.put("missingInGaps", rtpMissing);
            m.put("duplicates", rtpDuplicates);
            m.put("late", rtpLate);
            m.put("toneOk", rtpTone);
            m.put("notTone", rtpNotTone);
            m.put("foreign", rtpForeign);
            m.put("steadySent", steadyAgentSent);
            m.put("steadyReceived", steadyRtpReceived);
            return m;
        }
    }

    /** Sums of one moment, built on each loop and merged. */
    static final class Totals {
        final Direction callerToAgent = new Direction();
        final Direction agentToCaller = new Direction();
        /** Calls that had a leg dropped on purpose: kept apart, their loss is expected. */
        final Direction faultCallerToAgent = new Direction();
        final Direction faultAgentToCaller = new Direction();
        final Sip sip = new Sip();
        int callsUp;
        int legsPacing;
        long agentMessages;
        long agentMessagesSkipped;
        long badFrameReplies;
        long garbageFramesSent;
        long mediaTextOther;

        void add(Totals t) {
            callerToAgent.add(t.callerToAgent);
            agentToCaller.add(t.agentToCaller);
            faultCallerToAgent.add(t.faultCallerToAgent);
            faultAgentToCaller.add(t.faultAgentToCaller);
            sip.add(t.sip);
            callsUp += t.callsUp;
            legsPacing += t.legsPacing;
            agentMessages += t.agentMessages;
            agentMessagesSkipped += t.agentMessagesSkipped;
            badFrameReplies += t.badFrameReplies;
            garbageFramesSent += t.garbageFramesSent;
            mediaTextOther += t.mediaTextOther;
        }

        Direction both() {
            Direction d = new Direction();
            d.add(callerToAgent);
            d.add(agentToCaller);
            return d;
        }

        /** Collects the totals of one loop; run on that loop. */
        static Totals collect(LoopState ls) {
            Totals t = new Totals();
            for (CallSlot slot : ls.slots) {
                t.agentMessages += slot.agentMessages();
                t.agentMessagesSkipped += slot.agentMessagesSkipped();
                for (Attempt a : slot.attempts) {
                    boolean fault = a.dropFault();
                    if (a.sip()) {
                        t.sip.add(a);
                    } else {
                        (fault ? t.faultCallerToAgent : t.callerToAgent).add(a.caller, a.agent);
                        (fault ? t.faultAgentToCaller : t.agentToCaller).add(a.agent, a.caller);
                    }
                    if (a.mediaUpNanos > 0 && !a.done) {
                        t.callsUp++;
                    }
                    for (MediaLeg leg : new MediaLeg[] {a.caller, a.agent}) {
                        if (leg != null) {
                            if (leg.pacing) {
                                t.legsPacing++;
                            }
                            t.badFrameReplies += leg.badFrameReplies;
                            t.garbageFramesSent += leg.garbageSent;
                            t.mediaTextOther += leg.otherText;
                        }
                    }
                }
            }
            return t;
        }
    }

    static double ms(long us) {
        return us / 1000.0;
    }

    static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("p50", ms(h.getValueAtPercentile(50)));
        m.put("p90", ms(h.getValueAtPercentile(90)));
        m.put("p99", ms(h.getValueAtPercentile(99)));
        m.put("p999", ms(h.getValueAtPercentile(99.9)));
        m.put("max", ms(h.getMaxValue()));
        m.put("mean", Math.round(h.getMean()) / 1000.0);
        return m;
    }
}
