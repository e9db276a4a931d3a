package org.callvault.transport.sip.siprec;

import java.util.Optional;
import org.callvault.transport.sip.siprec.RecordingMetadata.Participant;

/**
 * Everything a SIPREC INVITE, re-INVITE or UPDATE body says, in one call: the parts, the streams
 * offered, and the metadata. The SDP decides whether the request is answered (a {@link SiprecException}
 * carries the refusal); the metadata never does: missing or unreadable, it comes back
 * {@code parsed=false} with its reason and the raw body, and the streams are recorded all the same.
 *
 * @param body     the split body
 * @param streams  the offered streams (null only for an UPDATE with metadata alone, {@link #parseUpdate})
 * @param metadata the metadata (parsed or not; {@code parsed=false}, reason "no metadata body" when
 *                 the request carried none, as an SDP-only re-INVITE does)
 */
public record SiprecOffer(MultipartBody body, SdpStreams streams, RecordingMetadata metadata) {

    /**
     * Parses a request body.
     *
     * @param contentType the request's Content-Type header value
     * @param body        the request's body bytes
     */
    public static SiprecOffer parse(String contentType, byte[] body) throws SiprecException {
        MultipartBody parts = MultipartBody.parse(contentType, body);
        SdpStreams streams = SdpStreams.parse(parts.sdp());
        return new SiprecOffer(parts, streams, RecordingMetadata.parse(parts.metadata()));
    }

    /**
     * Parses an UPDATE's body: as {@link #parse}, but metadata alone (a bare
     * {@code application/rs-metadata+xml} body, or a multipart without SDP) is taken, with
     * {@code streams} null.
     */
    public static SiprecOffer parseUpdate(String contentType, byte[] body) throws SiprecException {
        MultipartBody parts = MultipartBody.parseUpdate(contentType, body);
        SdpStreams streams = parts.sdp() == null ? null : SdpStreams.parse(parts.sdp());
        return new SiprecOffer(parts, streams, RecordingMetadata.parse(parts.metadata()));
    }

    /** The participant the metadata says sends the m-line labelled {@code label}. */
    public Optional<Participant> participantSending(String label) {
        return metadata.participantSending(label);
    }
}
