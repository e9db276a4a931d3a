/**
 * RTP for SIP legs, written by hand (RFC 3550, RFC 4733): packet views, receiver statistics, the
 * jitter buffer of the SIP-to-browser direction, DTMF events, RTCP and the symmetric-RTP latch.
 *
 * <p>Pure Java: no Spring, no Netty, nothing of the app but {@code media}. None of these classes
 * is thread-safe: each belongs to the one thread that reads the leg's socket and runs its clock,
 * so the per-packet paths take no lock and allocate nothing. Bad input never throws: it is
 * rejected with a reason and counted.
 */
package org.callvault.transport.sip.rtp;
