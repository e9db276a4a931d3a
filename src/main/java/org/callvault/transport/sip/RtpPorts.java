package org.callvault.transport.sip;

import java.util.BitSet;

/**
 * The RTP port range ({@code callvault.sip.rtp-ports}): each SIP call holds one even port (RTP; the
 * odd one above is its RTCP) from answer... to the end of the call. A call that cannot get a port is
 * refused (503), so a flood of INVITEs can hold at most the range, never more.
 */
final class RtpPorts {

    private final int first;
    private final int count;
    private final BitSet used;
    private int next;

    RtpPorts(String range) {
        String[] bounds = range.split("-");
        int low = Integer.parseInt(bounds[0]);
        int high = Integer.parseInt(bounds[1]);
        if (low < 1024 || high > 65535 || high <= low) {
            throw new IllegalArgumentException("callvault.sip.rtp-ports: '" + range
                    + "' must be first-last with 1024 <= first < last <= 65535");
        }
        this.first = low % 2 == 0 ? low : low + 1;
        this.count = (high - first + 1) / 2;
        if (count < 1) {
            throw new IllegalArgumentException("callvault.sip.rtp-ports: '" + range + "' holds no RTP/RTCP port pair");
        }
        this.used = new BitSet(count);
    }

    /** An even port, or -1 when every port of the range is held. */
    synchronized int allocate() {
        int slot = used.nextClearBit(next);
        if (slot >= count) {
            slot = used.nextClearBit(0);
        }
        if (slot >= count) {
            return -1;
        }
        used.set(slot);
        // Round-robin, so a port just freed is not handed out at once (late packets of the old call).
        next = slot + 1;
        return first + 2 * slot;
    }

    synchronized void release(int port) {
        int slot = (port - first) / 2;
        if (port >= first && slot < count && (port - first) % 2 == 0) {
            used.clear(slot);
        }
    }

    synchronized int inUse() {
        return used.cardinality();
    }

    int capacity() {
        return count;
    }
}
