package org.callvault.transport.sip;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.callvault.call.CallErrorCode;
import org.callvault.call.CallException;
import org.callvault.call.EndReason;
import org.callvault.call.RecordedCall;
import org.callvault.call.RecordingSessionFacts;
import org.callvault.system.SerialExecutor;
import org.callvault.transport.sip.siprec.RecordingMetadata;
import org.callvault.transport.sip.siprec.SdpStreams;
import org.callvault.transport.sip.siprec.SiprecAnswer;
import org.callvault.transport.sip.siprec.SiprecException;
import org.callvault.transport.sip.siprec.SiprecOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * A SIPREC recording session (RFC 7866): a session recording client (an SBC or PBX) forks a call
 * it carries to CallVault as one {@code sendonly} RTP stream per participant, with metadata saying
 * who is who (RFC 7865). CallVault answers one {@code recvonly} stream per offered one, records the
 * recordable streams two by two as stereo recordings (one participant per channel, in the offer's
 * order: streams 1 and 2 are the session's first recording, 3 and 4 its second, a last odd one a
 * mono recording; up to {@link #MAX_RECORDED_STREAMS}), and keeps the session's facts on each.
 *
 * <p>The streams are record-only {@link SipMediaLeg}s on the tracks of {@link RecordedCall}s'
 * bridges, so the recorder treats them exactly like the legs of a carried call. A re-INVITE or
 * UPDATE that sets every stream {@code inactive} pauses the recording (silence, or cut out with
 * {@code paused-audio: omit}; the interval kept); one that sets them back resumes it. A metadata
 * update ({@code datamode} partial) in a re-INVITE or UPDATE, or alone in an UPDATE, is merged. The session
 * ends on the client's BYE, or, when no packet arrived on any stream for the media timeout while
 * not paused, with a BYE from CallVault.
 */
final class SiprecSession implements SipSession {

    private static final Logger log = LoggerFactory.getLogger(SiprecSession.class);
    /** Streams CallVault decodes (at the leg, media.codec); others (G.729) are refused per stream with port 0. */
    static final EnumSet<SdpStreams.Encoding> DECODED = EnumSet.of(SdpStreams.Encoding.PCMU, SdpStreams.Encoding.PCMA,
            SdpStreams.Encoding.G722, SdpStreams.Encoding.OPUS);
    /** Tracks of a recording: left and right. */
    private static final int TRACKS = 2;
    /**
     * Streams recorded per session (four stereo recordings); further ones are refused with port 0.
     * A conference fork rarely has more; each stream costs a leg's RTP ports and a recorder track.
     */
    static final int MAX_RECORDED_STREAMS = 8;

    private final SipDispatcher sip;
    private final ServerTransaction invite;
    private final Request request;
    private final String sipCallId;
    private final String sourceAddress;
    private final String toTag = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final long sdpSession;
    private final SerialExecutor work;
    private final Duration mediaTimeout;
    /** One entry per offered m-line: its leg, or null when refused. */
    private final List<SipMediaLeg> legs;
    private final SdpStreams offer;
    private final String answerSdp;

    private RecordingMetadata metadata;
    /** One per pair of recorded streams, in stream order; empty until {@link #begin()} started them. */
    private volatile List<RecordedCall> recordings = List.of();
    private int sdpVersion;
    private boolean finalSent;
    private boolean byeSent;
    private boolean released;
    private java.util.concurrent.ScheduledFuture<?> watchdog;
    private long lastDatagrams = -1;
    private long quietSinceNanos;

    private SiprecSession(SipDispatcher sip, ServerTransaction invite, String sourceAddress, SdpStreams offer,
            List<SipMediaLeg> legs, String answerSdp, RecordingMetadata metadata, long sdpSession,
            Duration mediaTimeout) {
        this.sdpSession = sdpSession;
        this.sip = sip;
        this.invite = invite;
        this.request = invite.getRequest();
        this.sipCallId = SipDispatcher.callIdOf(request);
        this.sourceAddress = sourceAddress;
        this.offer = offer;
        this.legs = legs;
        this.answerSdp = answerSdp;
        this.metadata = metadata;
        this.mediaTimeout = mediaTimeout;
        this.work = new SerialExecutor(sip.pool()::schedule, "SIPREC session");
    }

    /** Whether an INVITE is a recording session: a multipart body (with metadata) or {@code Require: siprec}. */
    static boolean isRecordingSession(Request request) {
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        boolean multipart = type != null && "multipart".equalsIgnoreCase(type.getContentType())
                && "mixed".equalsIgnoreCase(type.getContentSubType());
        var require = request.getHeaders(javax.sip.header.RequireHeader.NAME);
        while (require != null && require.hasNext()) {
            if ("siprec".equalsIgnoreCase(((javax.sip.header.RequireHeader) require.next()).getOptionTag())) {
                return true;
            }
        }
        return multipart;
    }

    /**
     * Reads a recording INVITE and opens its streams' ports. Throws with the status to answer when
     * the body cannot be recorded (400 malformed, 415 no SDP, 488 no stream we can take); a
     * metadata part that cannot be understood does not stop the session (it is kept raw).
     */
    static Opened open(SipDispatcher sip, Request request, RtpSessions media) throws SiprecException {
        SiprecOffer offer = parseBody(request);
        SdpStreams streams = offer.streams();
        RecordingMetadata metadata = offer.metadata();
        List<SipMediaLeg> legs = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        int opened = 0;
        try {
            for (SdpStreams.MediaStream stream : streams.streams()) {
                SdpOffer leg = opened < MAX_RECORDED_STREAMS ? legOffer(stream) : null;
                SipMediaLeg opening = leg == null ? null : media.open(leg, true);
                legs.add(opening);
                ports.add(opening == null ? 0 : opening.localPort());
                if (opening != null) {
                    opened++;
                }
            }
            if (opened == 0) {
                throw new SiprecException(488, "No stream CallVault can record (PCMU, PCMA, G722 or opus over RTP/AVP)");
            }
            long sdpSession = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
            SiprecAnswer answer = SiprecAnswer.build(streams, sip.externalAddress(), ports, sdpSession, 0, DECODED);
            return new Opened(streams, legs, answer.sdp(), metadata, sdpSession);
        }
        catch (SiprecException | RuntimeException e) {
            legs.stream().filter(l -> l != null).forEach(media::close);
            throw e;
        }
    }

    /** What {@link #open} found and holds, for {@link #start}. */
    record Opened(SdpStreams streams, List<SipMediaLeg> legs, String answerSdp, RecordingMetadata metadata,
            long sdpSession) {

        List<SipMediaLeg> held() {
            return legs.stream().filter(l -> l != null).toList();
        }
    }

    /** The session of an opened INVITE; {@link #begin()} it once the dispatcher knows it by Call-ID. */
    static SiprecSession create(SipDispatcher sip, ServerTransaction invite, String sourceAddress, Opened opened,
            Duration mediaTimeout) {
        return new SiprecSession(sip, invite, sourceAddress, opened.streams(), opened.legs(), opened.answerSdp(),
                opened.metadata(), opened.sdpSession(), mediaTimeout);
    }

    /** Queues the start (the call row, the recording, then the 200 OK); false when the pool is saturated. */
    boolean start() {
        return work.submit(this::begin);
    }

    private void begin() {
        synchronized (this) {
            if (finalSent) {
                release(); // cancelled before it began
                return;
            }
        }
        List<SipMediaLeg> held = held();
        List<RecordedCall> started = new ArrayList<>();
        for (int group = 0; group * TRACKS < held.size(); group++) {
            List<SipMediaLeg> pair = held.subList(group * TRACKS, Math.min((group + 1) * TRACKS, held.size()));
            List<RecordingSessionFacts.Participant> participants = participants(group);
            String name = participants.isEmpty() ? "Recorded call" : displayName(participants);
            if (held.size() > TRACKS) {
                // One session, several recordings: each name says which streams it holds.
                name = withStreams(name, group * TRACKS + 1, group * TRACKS + pair.size());
            }
            String number = participants.isEmpty() ? null : numberOf(participants.get(0).aor());
            RecordedCall recording;
            try {
                recording = sip.calls().startRecordedCall(name, number, sourceAddress, "siprec", pair.size() == TRACKS,
                        sip.omitPausedAudio());
            }
            catch (CallException e) {
                started.forEach(r -> r.end(EndReason.SESSION_ENDED));
                finish(Response.SERVICE_UNAVAILABLE, e.getMessage(),
                        e.code() == CallErrorCode.SERVER_DRAINING ? SipCall.DRAINING_RETRY_AFTER_SECONDS : 0);
                return;
            }
            started.add(recording);
            for (int track = 0; track < pair.size(); track++) {
                SipMediaLeg leg = pair.get(track);
                recording.bridge().attach(track, leg);
                leg.attach(recording.bridge(), track);
                // DTMF onto the recording the stream is in; a paused (inactive) stream's events are dropped with its audio
                leg.listen(digit -> work.submit(() -> recording.dtmf(digit.digit())));
            }
            recording.describe(facts(group));
            recording.paused(allInactive(), playoutNanos());
        }
        recordings = List.copyOf(started);
        synchronized (this) {
            if (finalSent) {
                started.forEach(r -> r.end(EndReason.SESSION_ENDED)); // CANCEL crossed the start
                release();
                return;
            }
            sip.sendOn(invite, sip.dialogResponse(Response.OK, request, toTag, answerSdp));
            finalSent = true;
        }
        quietSinceNanos = System.nanoTime();
        watchdog = sip.timers().scheduleWithFixedDelay(() -> work.submit(this::checkMedia), 1, 1,
                java.util.concurrent.TimeUnit.SECONDS);
        log.info("SIPREC session {} from {}: call(s) {}, {} stream(s) recorded of {}, metadata {}", sipCallId,
                sourceAddress, started.stream().map(RecordedCall::callId).toList(), held.size(), legs.size(),
                metadata.parsed() ? "parsed" : "not understood (" + metadata.reason() + ")");
    }

    /** A re-INVITE: pause or resume (directions), a new address, a metadata update. Same ports. */
    @Override
    public synchronized String reoffer(Request reInvite) throws SdpException {
        try {
            return reoffer(parseBody(reInvite));
        }
        catch (SiprecException e) {
            throw new SdpException(e.status(), e.getMessage());
        }
    }

    /**
     * An UPDATE (RFC 3311, RFC 7866 §7.1.2): an SDP offer (with or without metadata) is taken as a
     * re-INVITE's, pauses and resumes included; metadata alone (multipart without SDP, or a bare
     * {@code application/rs-metadata+xml} body) is merged and answered without SDP; no body is a
     * session refresh.
     */
    @Override
    public synchronized String update(Request update) throws SdpException {
        byte[] body = update.getRawContent();
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            SiprecOffer offer = SiprecOffer.parseUpdate(contentTypeOf(update), body);
            if (offer.streams() != null) {
                return reoffer(offer);
            }
            mergeMetadata(offer.metadata());
            List<RecordedCall> current = recordings;
            for (int group = 0; group < current.size(); group++) {
                current.get(group).describe(facts(group));
            }
            return null;
        }
        catch (SiprecException e) {
            throw new SdpException(e.status(), e.getMessage());
        }
    }

    /** A metadata update: merged when it could be read (a partial one by ids, a complete one replaces). */
    private void mergeMetadata(RecordingMetadata update) {
        if (update.parsed()) {
            metadata = metadata.merge(update);
        }
    }

    /** A re-INVITE's or an UPDATE's offer: directions (pause, resume), addresses, a metadata update. */
    private String reoffer(SiprecOffer update) throws SdpException {
        try {
            if (update.streams().streams().size() != legs.size()) {
                throw new SdpException(488, "A re-INVITE must keep the session's " + legs.size() + " stream(s)");
            }
            for (int i = 0; i < legs.size(); i++) {
                SipMediaLeg leg = legs.get(i);
                SdpOffer streamOffer = legOffer(update.streams().streams().get(i));
                if (leg != null && streamOffer != null) {
                    leg.renegotiate(streamOffer);
                }
            }
            mergeMetadata(update.metadata());
            List<RecordedCall> current = recordings;
            for (int group = 0; group < current.size(); group++) {
                current.get(group).describe(facts(group));
                current.get(group).paused(allInactive(update.streams()), playoutNanos());
            }
            List<Integer> ports = legs.stream().map(l -> l == null ? 0 : l.localPort()).toList();
            return SiprecAnswer.build(update.streams(), sip.externalAddress(), ports, sdpSession, ++sdpVersion, DECODED)
                    .sdp();
        }
        catch (SiprecException e) {
            throw new SdpException(e.status(), e.getMessage());
        }
    }

    /**
     * The body of a recording INVITE or re-INVITE: multipart (SDP and metadata) or, as SBCs also
     * re-INVITE, plain SDP; sizes, boundaries and parts are checked by {@link SiprecOffer}.
     */
    private static SiprecOffer parseBody(Request request) throws SiprecException {
        return SiprecOffer.parse(contentTypeOf(request), request.getRawContent());
    }

    /** The Content-Type header's value as sent (parameters and all), empty when there is none. */
    private static String contentTypeOf(Request request) {
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        String header = type == null ? "" : type.toString();
        return header.substring(header.indexOf(':') + 1).strip();
    }

    @Override
    public String sipCallId() {
        return sipCallId;
    }

    @Override
    public void cancelled() {
        synchronized (this) {
            if (finalSent) {
                return;
            }
            sip.sendOn(invite, sip.dialogResponse(Response.REQUEST_TERMINATED, request, toTag, null));
            finalSent = true;
        }
        work.submit(() -> end(EndReason.SESSION_ENDED));
    }

    @Override
    public void byeReceived() {
        work.submit(() -> end(EndReason.SESSION_ENDED));
    }

    @Override
    public void dialogTerminated() {
        work.submit(() -> end(EndReason.SESSION_ENDED));
    }

    /** Every second: a session whose streams all went quiet (and not paused) ends after the media timeout. */
    private void checkMedia() {
        List<RecordedCall> current = recordings;
        if (current.isEmpty() || current.get(0).ended()) {
            return;
        }
        long datagrams = held().stream().mapToLong(SipMediaLeg::datagrams).sum();
        long now = System.nanoTime();
        if (datagrams != lastDatagrams || allInactive()) {
            lastDatagrams = datagrams;
            quietSinceNanos = now;
            return;
        }
        if (now - quietSinceNanos >= mediaTimeout.toNanos()) {
            log.warn("SIPREC session {}: no media for {} s, ended", sipCallId, mediaTimeout.toSeconds());
            synchronized (this) {
                sendBye();
            }
            end(EndReason.MEDIA_TIMEOUT);
        }
    }

    private void end(EndReason reason) {
        recordings.forEach(recording -> recording.end(reason));
        release();
    }

    private void finish(int status, String reason) {
        finish(status, reason, 0);
    }

    /** {@code retryAfterSeconds}: 0 for none. */
    private void finish(int status, String reason, int retryAfterSeconds) {
        synchronized (this) {
            if (!finalSent) {
                Response response = sip.response(status, request);
                SipDispatcher.reason(response, reason);
                if (retryAfterSeconds > 0) {
                    sip.retryAfter(response, retryAfterSeconds);
                }
                sip.sendOn(invite, response);
                finalSent = true;
            }
        }
        release();
    }

    private void sendBye() {
        if (byeSent) {
            return;
        }
        try {
            Dialog dialog = invite.getDialog();
            Request bye = dialog.createRequest(Request.BYE);
            ClientTransaction transaction = sip.provider().getNewClientTransaction(bye);
            dialog.sendRequest(transaction);
            byeSent = true;
        }
        catch (Exception e) {
            log.warn("SIPREC session {}: BYE could not be sent ({})", sipCallId, e.toString());
        }
    }

    private void release() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        sip.released(this, held());
    }

    private List<SipMediaLeg> held() {
        return legs.stream().filter(l -> l != null).toList();
    }

    /** How long the streams still hand over audio received before now: the deepest of their jitter buffers. */
    private long playoutNanos() {
        return held().stream().mapToLong(SipMediaLeg::playoutNanos).max().orElse(0);
    }

    private boolean allInactive() {
        return held().stream().allMatch(SipMediaLeg::held);
    }

    private boolean allInactive(SdpStreams streams) {
        for (int i = 0; i < legs.size(); i++) {
            if (legs.get(i) != null && i < streams.streams().size()
                    && streams.streams().get(i).direction() != SdpStreams.Direction.INACTIVE) {
                return false;
            }
        }
        return true;
    }

    /**
     * The participants of recording {@code group} in channel order where the metadata says who
     * sends its streams, then all the session's others (a recording of streams 3 and 4 still names
     * who is on 1 and 2).
     */
    private List<RecordingSessionFacts.Participant> participants(int group) {
        List<RecordingSessionFacts.Participant> ordered = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        List<String> labels = recordedLabels(group);
        for (int channel = 0; channel < labels.size(); channel++) {
            int onChannel = channel; // the recording's streams are its file's channels, in order
            metadata.participantSending(labels.get(channel)).ifPresent(p -> {
                if (!seen.contains(p.id())) {
                    seen.add(p.id());
                    ordered.add(new RecordingSessionFacts.Participant(p.name(), p.aor(), p.sendLabels(), onChannel));
                }
            });
        }
        for (RecordingMetadata.Participant p : metadata.participants()) {
            if (!seen.contains(p.id())) {
                seen.add(p.id());
                ordered.add(new RecordingSessionFacts.Participant(p.name(), p.aor(), p.sendLabels()));
            }
        }
        return ordered;
    }

    /** The labels of recording {@code group}'s streams (its left and right channels), in order. */
    private List<String> recordedLabels(int group) {
        List<String> labels = new ArrayList<>();
        int recorded = 0;
        for (int i = 0; i < legs.size(); i++) {
            if (legs.get(i) != null) {
                if (recorded / TRACKS == group) {
                    String label = offer.streams().get(i).label();
                    labels.add(label == null ? String.valueOf(i + 1) : label);
                }
                recorded++;
            }
        }
        return labels;
    }

    private RecordingSessionFacts facts(int group) {
        return new RecordingSessionFacts(metadata.sessionId(), sipCallId, sourceAddress, participants(group),
                recordedLabels(group), metadata.parsed(), metadata.reason(), metadata.rawXml());
    }

    private static String displayName(List<RecordingSessionFacts.Participant> participants) {
        StringBuilder name = new StringBuilder();
        for (RecordingSessionFacts.Participant p : participants.subList(0, Math.min(2, participants.size()))) {
            String shown = p.name() != null && !p.name().isBlank() ? p.name() : numberOf(p.aor());
            if (shown == null) {
                continue;
            }
            name.append(name.isEmpty() ? "" : " ↔ ").append(shown);
        }
        String result = name.isEmpty() ? "Recorded call" : name.toString();
        return result.codePointCount(0, result.length()) > 100 ? result.substring(0, result.offsetByCodePoints(0, 99))
                : result;
    }

    /** {@code name (streams 3–4)}, the name cut so that the whole stays within 100 characters. */
    static String withStreams(String name, int first, int last) {
        String suffix = first == last ? " (stream " + first + ")" : " (streams " + first + "–" + last + ")";
        int room = 100 - suffix.length();
        String base = name.codePointCount(0, name.length()) > room ? name.substring(0, name.offsetByCodePoints(0, room))
                : name;
        return base + suffix;
    }

    /** The user part of a SIP or tel AoR ({@code sip:+15551234@sbc} → {@code +15551234}), max 40 characters. */
    static String numberOf(String aor) {
        if (aor == null || aor.isBlank()) {
            return null;
        }
        String value = aor.strip();
        int colon = value.indexOf(':');
        if (colon >= 0 && colon < 5) {
            value = value.substring(colon + 1);
        }
        int at = value.indexOf('@');
        if (at >= 0) {
            value = value.substring(0, at);
        }
        int semicolon = value.indexOf(';');
        if (semicolon >= 0) {
            value = value.substring(0, semicolon);
        }
        return value.isEmpty() ? null : value.length() > 40 ? value.substring(0, 40) : value;
    }

    /** One stream as a single-stream offer for its leg, or null when CallVault cannot decode it. */
    private static SdpOffer legOffer(SdpStreams.MediaStream stream) {
        if (!stream.isAudio() || stream.port() == 0 || !"RTP/AVP".equalsIgnoreCase(stream.protocol())) {
            return null;
        }
        SdpStreams.Format codec = SiprecAnswer.codec(stream, DECODED);
        SdpOffer.Codec legCodec = codec == null ? null : switch (codec.encoding()) {
            case PCMU -> SdpOffer.Codec.PCMU;
            case PCMA -> SdpOffer.Codec.PCMA;
            case G722 -> SdpOffer.Codec.G722;
            case OPUS -> SdpOffer.Codec.OPUS;
            default -> null;
        };
        // The clock the leg's jitter buffer runs on must be the one the stream's timestamps count.
        if (legCodec == null || codec.clockRate() != legCodec.audio.rtpClockRate()) {
            return null;
        }
        int events = stream.telephoneEvent(codec.clockRate()).map(SdpStreams.Format::payload).orElse(-1);
        SdpOffer.Direction direction = stream.direction() == null ? SdpOffer.Direction.SENDONLY
                : SdpOffer.Direction.valueOf(stream.direction().name());
        return new SdpOffer(stream.connectionAddress(), stream.port(),
                List.of(new SdpOffer.MediaLine("audio", stream.port(), stream.protocol(), stream.formats())), 0,
                legCodec, codec.payload(), events, stream.ptimeMillis() > 0 ? stream.ptimeMillis() : 20, direction);
    }
}
