package org.callvault.transport.sip.rtp;

/**
 * What a receiver knows about one RTP source: RFC 3550 appendix A.1 (sequence validation with
 * probation, extended sequence numbers, restart on a new SSRC or a confirmed big jump), A.3
 * (expected and lost packets, fraction lost per report interval) and A.8 (interarrival jitter),
 * plus duplicates and reordering, which the RFC's counters do not separate.
 *
 * <p>Unlike A.1, a duplicate is not counted as received (a 64-packet window remembers what came),
 * so duplicates cannot hide loss. Not thread-safe; no allocation per packet.
 */
public final class RtpReceiverStats {

    /** RFC 3550 A.1: sequential packets a new source must send before it counts. */
    static final int MIN_SEQUENTIAL = 2;
    /** A.1: a jump ahead of at least this many packets needs confirmation. */
    static final int MAX_DROPOUT = 3000;
    /** A.1: packets this far behind the highest are reordered, further back a jump. */
    static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;
    private static final int WINDOW = 64;

    /** What {@link #onPacket} made of a packet. */
    public enum Verdict {
        /** In order (possibly after a gap): use it. */
        ACCEPTED,
        /** Older than the highest seen but not seen before: use it (the jitter buffer places it). */
        REORDERED,
        /** Seen before: drop it. */
        DUPLICATE,
        /** From a source still on probation (A.1): not counted yet. */
        PROBATION,
        /** A jump of the sequence number that one packet does not confirm: drop it. */
        JUMP_UNCONFIRMED,
        /** The source restarted (new SSRC confirmed, or a jump confirmed): statistics start again here. */
        RESTARTED
    }

    private final int clockRate;

    private boolean haveSource;
    private boolean everValid;
    private int ssrc;
    private int probation;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private int badSeq = SEQ_MOD + 1;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private long duplicates;
    private long reordered;
    private long restarts;
    private long receivedWindow;

    private boolean haveTransit;
    private long lastTransit;
    private long jitterTimes16;
    private long baseNanos;
    private boolean haveBase;

    private boolean haveTimestamp;
    private long extendedTimestamp;

    private long lastSrNtpMiddle;
    private long lastSrArrivalNanos;
    private boolean haveSenderReport;

    public RtpReceiverStats(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        this.clockRate = clockRate;
    }

    /**
     * Accounts one valid RTP packet that arrived at {@code arrivalNanos} (any monotonic clock, e.g.
     * {@link System#nanoTime()}).
     */
    public Verdict onPacket(int packetSsrc, int seq, long rtpTimestamp, long arrivalNanos) {
        seq &= 0xFFFF;
        if (!haveSource || packetSsrc != ssrc) {
            // A.1: a new source (or the first) must prove itself with MIN_SEQUENTIAL packets.
            haveSource = true;
            ssrc = packetSsrc;
            initSequence(seq);
            maxSeq = (seq - 1) & 0xFFFF;
            probation = MIN_SEQUENTIAL;
            badSeq = SEQ_MOD + 1;
        }
        int udelta = (seq - maxSeq) & 0xFFFF;
        if (probation > 0) {
            if (seq == ((maxSeq + 1) & 0xFFFF)) {
                probation--;
                maxSeq = seq;
                if (probation == 0) {
                    boolean restart = everValid;
                    everValid = true;
                    initSequence(seq);
                    received++;
                    receivedWindow = 1;
                    trackTimestamp(rtpTimestamp, true);
                    jitter(rtpTimestamp, arrivalNanos, true);
                    if (restart) {
                        restarts++;
                        return Verdict.RESTARTED;
                    }
                    return Verdict.ACCEPTED;
                }
            } else {
                probation = MIN_SEQUENTIAL - 1;
                maxSeq = seq;
            }
            return Verdict.PROBATION;
        }
        if (udelta == 0) {
            duplicates++;
            return Verdict.DUPLICATE;
        }
        if (udelta < MAX_DROPOUT) {
            if (seq < maxSeq) {
                cycles += SEQ_MOD;
            }
            maxSeq = seq;
            receivedWindow = udelta >= WINDOW ? 1 : (receivedWindow << udelta) | 1;
            received++;
            trackTimestamp(rtpTimestamp, false);
            jitter(rtpTimestamp, arrivalNanos, false);
            return Verdict.ACCEPTED;
        }
        if (udelta <= SEQ_MOD - MAX_MISORDER) {
            if (seq == badSeq) {
                // Two sequential packets after a jump: the sender restarted without telling us.
                initSequence(seq);
                received++;
                receivedWindow = 1;
                restarts++;
                trackTimestamp(rtpTimestamp, true);
                jitter(rtpTimestamp, arrivalNanos, true);
                return Verdict.RESTARTED;
            }
            badSeq = (seq + 1) & 0xFFFF;
            return Verdict.JUMP_UNCONFIRMED;
        }
        // Behind the highest by fewer than MAX_MISORDER: reordered, or a duplicate of an old one.
        int behind = SEQ_MOD - udelta;
        if (behind < WINDOW) {
            long bit = 1L << behind;
            if ((receivedWindow & bit) != 0) {
                duplicates++;
                return Verdict.DUPLICATE;
            }
            receivedWindow |= bit;
        }
        if (extendedSequence(seq) < baseSeq) {
            // Older than where counting started: expected does not include it, so neither may received.
            reordered++;
            return Verdict.REORDERED;
        }
        received++;
        reordered++;
        jitter(rtpTimestamp, arrivalNanos, false);
        return Verdict.REORDERED;
    }

    /** Records an incoming sender report: the middle 32 bits of its NTP time, for LSR/DLSR. */
    public void onSenderReport(int senderSsrc, long ntpMiddle32, long arrivalNanos) {
        if (haveSource && senderSsrc == ssrc) {
            lastSrNtpMiddle = ntpMiddle32 & 0xFFFF_FFFFL;
            lastSrArrivalNanos = arrivalNanos;
            haveSenderReport = true;
        }
    }

    private void initSequence(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        badSeq = SEQ_MOD + 1;
        cycles = 0;
        received = 0;
        receivedPrior = 0;
        expectedPrior = 0;
        receivedWindow = 0;
        haveTransit = false;
        jitterTimes16 = 0;
    }

    private void trackTimestamp(long rtpTimestamp, boolean restart) {
        extendedTimestamp = !haveTimestamp || restart
                ? rtpTimestamp & 0xFFFF_FFFFL
                : Math.max(extendedTimestamp, Wraparound.extendTimestamp(extendedTimestamp, rtpTimestamp));
        haveTimestamp = true;
    }

    /** A.8: J += (|D| - J) / 16, kept times 16 in integers as the RFC's second variant does. */
    private void jitter(long rtpTimestamp, long arrivalNanos, boolean restart) {
        if (!haveBase) {
            baseNanos = arrivalNanos;
            haveBase = true;
        }
        long arrival = toUnits(arrivalNanos - baseNanos);
        long transit = (arrival - rtpTimestamp) & 0xFFFF_FFFFL;
        if (haveTransit && !restart) {
            long d = (int) (transit - lastTransit); // both are modulo 2^32: the signed difference
            d = Math.abs(d);
            jitterTimes16 += d - ((jitterTimes16 + 8) >> 4);
        }
        lastTransit = transit;
        haveTransit = true;
    }

    private long toUnits(long nanos) {
        // Split so that nanos * rate cannot overflow, whatever the call's length.
        return (nanos / 1_000_000_000L) * clockRate + (nanos % 1_000_000_000L) * clockRate / 1_000_000_000L;
    }

    private long extendedSequence(int seq) {
        return Wraparound.extendSequence(cycles + maxSeq, seq);
    }

    /** True once a source passed probation. */
    public boolean hasValidSource() {
        return haveSource && probation == 0;
    }

    public int ssrc() {
        return ssrc;
    }

    /** Highest sequence number seen, with the count of 16-bit cycles above it (A.1 max_seq + cycles). */
    public long extendedHighestSequence() {
        return cycles + maxSeq;
    }

    /** Highest RTP timestamp seen, extended over the 32-bit wrap. */
    public long extendedHighestTimestamp() {
        return extendedTimestamp;
    }

    /** A.3: packets expected since counting (re)started. */
    public long expected() {
        return hasValidSource() ? extendedHighestSequence() - baseSeq + 1 : 0;
    }

    /** Distinct packets received since counting (re)started (duplicates excluded). */
    public long received() {
        return received;
    }

    /** A.3 cumulative number of packets lost (never negative here, since duplicates are not counted). */
    public long lost() {
        return Math.max(0, expected() - received);
    }

    public long duplicates() {
        return duplicates;
    }

    public long reordered() {
        return reordered;
    }

    public long restarts() {
        return restarts;
    }

    /** A.8 interarrival jitter in timestamp units. */
    public long jitter() {
        return jitterTimes16 >> 4;
    }

    public int clockRate() {
        return clockRate;
    }

    /**
     * Fills one RTCP report block for the interval since the previous call (A.3: fraction lost is
     * per interval, so this moves the interval on). Returns false when there is no valid source
     * to report on.
     */
    public boolean takeReport(ReportBlock block, long nowNanos) {
        if (!hasValidSource()) {
            return false;
        }
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        expectedPrior = expected;
        long receivedInterval = received - receivedPrior;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        block.ssrc = ssrc;
        block.fractionLost = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        block.cumulativeLost = Math.min(lost(), 0x7F_FFFF);
        block.extendedHighestSequence = extendedHighestSequence() & 0xFFFF_FFFFL;
        block.jitter = Math.min(jitter(), 0xFFFF_FFFFL);
        if (haveSenderReport) {
            block.lastSenderReport = lastSrNtpMiddle;
            // DLSR in units of 1/65536 s.
            long delay = Math.max(0, nowNanos - lastSrArrivalNanos);
            block.delaySinceLastSenderReport = Math.min(0xFFFF_FFFFL, (delay / 1_000_000_000L << 16)
                    + ((delay % 1_000_000_000L) << 16) / 1_000_000_000L);
        } else {
            block.lastSenderReport = 0;
            block.delaySinceLastSenderReport = 0;
        }
        return true;
    }

    /** The fields of one RTCP reception report block (RFC 3550 6.4.1), reused by the caller. */
    public static final class ReportBlock {
        public int ssrc;
        /** Fraction lost in the interval, times 256. */
        public int fractionLost;
        public long cumulativeLost;
        public long extendedHighestSequence;
        public long jitter;
        public long lastSenderReport;
        public long delaySinceLastSenderReport;
    }
}
