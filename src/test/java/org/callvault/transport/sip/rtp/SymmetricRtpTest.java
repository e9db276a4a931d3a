package org.callvault.transport.sip.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class SymmetricRtpTest {

    private static final InetSocketAddress SDP = new InetSocketAddress("192.0.2.10", 4000);
    private static final InetSocketAddress NAT = new InetSocketAddress("198.51.100.7", 61234);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("203.0.113.66", 5060);
    private static final int PCMU = 0;
    private static final int EVENTS = 101;

    private final byte[] buffer = new byte[200];

    private RtpPacket packet(int payloadType, int ssrc) {
        int length = RtpPacket.write(buffer, 0, false, payloadType, 1, 160, ssrc, new byte[160], 0, 160);
        RtpPacket packet = new RtpPacket();
        packet.wrap(buffer, 0, length);
        return packet;
    }

    @Test
    void latchesTheNegotiatedAddressAndIgnoresEveryOtherSource() {
        SymmetricRtp latch = new SymmetricRtp(SDP, PCMU, EVENTS);

        assertThat(latch.accept(STRANGER, packet(PCMU, 1))).as("before the call starts, only the SDP address").isFalse();
        assertThat(latch.accept(SDP, packet(PCMU, 1))).isTrue();
        assertThat(latch.remote()).isEqualTo(SDP);
        latch.callStarted();
        assertThat(latch.accept(STRANGER, packet(PCMU, 1))).isFalse();
        assertThat(latch.accept(NAT, packet(EVENTS, 1))).isFalse();
        assertThat(latch.accept(SDP, packet(EVENTS, 1))).isTrue();

        assertThat(latch.ignoredPackets()).isEqualTo(3);
        assertThat(latch.remote()).isEqualTo(SDP);
    }

    @Test
    void behindNatTheFirstValidSourceAfterTheCallStartsIsLatched() {
        SymmetricRtp latch = new SymmetricRtp(SDP, PCMU);
        latch.expectSsrc(0x77);
        assertThat(latch.remote()).as("send to the SDP address until something latches").isEqualTo(SDP);

        assertThat(latch.accept(NAT, packet(PCMU, 0x77))).as("before the call starts").isFalse();
        latch.callStarted();
        assertThat(latch.accept(STRANGER, packet(PCMU, 0x66))).as("not the expected SSRC").isFalse();
        assertThat(latch.accept(STRANGER, packet(8, 0x77))).as("not a negotiated payload type").isFalse();
        RtpPacket broken = new RtpPacket();
        broken.wrap(new byte[] {0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x77}, 0, 12);
        assertThat(latch.accept(STRANGER, broken)).as("not valid RTP").isFalse();
        assertThat(latch.latched()).isFalse();

        assertThat(latch.accept(NAT, packet(PCMU, 0x77))).isTrue();
        assertThat(latch.remote()).isEqualTo(NAT);
        assertThat(latch.accept(SDP, packet(PCMU, 0x77))).as("even the SDP address, once another latched").isFalse();
        assertThat(latch.accept(new InetSocketAddress("198.51.100.7", 61234), packet(PCMU, 0x77))).isTrue();
        assertThat(latch.acceptControl(NAT)).isTrue();
        assertThat(latch.acceptControl(STRANGER)).isFalse();
        assertThat(latch.ignoredPackets()).isEqualTo(6);
    }

    @Test
    void withoutAnExpectedSsrcAnySourceWithANegotiatedTypeLatchesAfterTheStart() {
        SymmetricRtp latch = new SymmetricRtp(null, PCMU);
        latch.callStarted();
        assertThat(latch.remote()).isNull();
        assertThat(latch.accept(NAT, packet(PCMU, 12345))).isTrue();
        assertThat(latch.accept(STRANGER, packet(PCMU, 12345))).isFalse();
    }

    @Test
    void aNewOfferUnlatches() {
        SymmetricRtp latch = new SymmetricRtp(SDP, PCMU);
        latch.accept(SDP, packet(PCMU, 1));
        InetSocketAddress moved = new InetSocketAddress("192.0.2.11", 4002);

        latch.renegotiate(moved);
        assertThat(latch.latched()).isFalse();
        assertThat(latch.accept(SDP, packet(PCMU, 1))).isFalse();
        assertThat(latch.accept(moved, packet(PCMU, 1))).isTrue();
        assertThat(latch.remote()).isEqualTo(moved);
    }
}
