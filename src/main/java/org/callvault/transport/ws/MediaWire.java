package org.callvault.transport.ws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.callvault.media.AudioFormat;
import org.callvault.media.MediaFrame;
import org.callvault.media.codec.OpusWire;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;

/**
 * Protocol version 2's codec negotiation (docs/protocol.md): an event socket's {@code hello} says
 * which codecs the client can send and receive; the server picks one, names it in each
 * {@code media} message. What a media socket carries is fixed with its token on the call's node
 * ({@code CallService.mediaSpeaksOpus}, from {@link org.callvault.call.CallParty#speaksOpus()}), which
 * may be another node than this event socket's. A socket that never says {@code hello} is a
 * version-1 client: PCM, and a {@code media} message exactly as before.
 */
@Component
class MediaWire {

    /** What a media socket carries. */
    enum Codec {
        PCM("pcm"), OPUS("opus");

        final String wireName;

        Codec(String wireName) {
            this.wireName = wireName;
        }
    }

    /** An event socket's agreement: the protocol version and the codec of its media sockets. */
    record Choice(int version, Codec codec) {
    }

    static final Choice V1 = new Choice(1, Codec.PCM);
    static final int MAX_CODECS = 8;

    private final AudioFormat format;
    private final boolean opusOffered;
    private final int opusBitrate;

    MediaWire(AudioFormat format, org.callvault.system.CallVaultProperties properties) {
        this.format = format;
        this.opusBitrate = properties.media().opusBitrate();
        this.opusOffered = OpusWire.supports(format);
    }

    /** What Opus legs are asked to encode at, and what the server encodes at towards them. */
    int opusBitrate() {
        return opusBitrate;
    }

    /** Whether this node can carry an Opus media socket (its audio format allows it). */
    boolean opusSpoken() {
        return opusOffered;
    }

    /** The codecs this server speaks on the media socket, best first. */
    List<String> serverCodecs() {
        return opusOffered ? List.of(Codec.OPUS.wireName, Codec.PCM.wireName) : List.of(Codec.PCM.wireName);
    }

    /**
     * Reads a {@code hello}: {@code version} 1 or 2, {@code codecs} the client's list, best first
     * (unknown names are skipped, so a later client may list codecs this server does not know).
     */
    Choice negotiate(JsonNode hello) {
        JsonNode version = hello.get("version");
        if (version == null || !version.isInt() || (version.asInt() != 1 && version.asInt() != 2)) {
            throw new ProtocolError("bad_message", "hello needs 'version' 1 or 2");
        }
        if (version.asInt() == 1) {
            return V1;
        }
        JsonNode codecs = hello.get("codecs");
        if (codecs == null || !codecs.isArray() || codecs.isEmpty() || codecs.size() > MAX_CODECS) {
            throw new ProtocolError("bad_message", "hello needs 'codecs': a list of 1 to " + MAX_CODECS + " names");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode codec : codecs) {
            if (!codec.isString() || codec.asString().length() > 16) {
                throw new ProtocolError("bad_message", "hello 'codecs' are names of at most 16 characters");
            }
            names.add(codec.asString().toLowerCase(Locale.ROOT));
        }
        for (String name : names) {
            if (serverCodecs().contains(name)) {
                return new Choice(2, name.equals(Codec.OPUS.wireName) ? Codec.OPUS : Codec.PCM);
            }
        }
        throw new ProtocolError("bad_message", "none of the codecs " + names + " is spoken here; this server speaks "
                + serverCodecs());
    }

    /** The {@code hello} answer's fields. */
    Map<String, Object> helloReply(Choice choice) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("version", choice.version());
        reply.put("codec", choice.codec().wireName);
        reply.put("codecs", serverCodecs());
        return reply;
    }

    /** What a version-2 {@code media} message adds: what the media socket carries. */
    Map<String, Object> mediaFields(Choice choice) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("version", 2);
        fields.put("codec", choice.codec().wireName);
        if (choice.codec() == Codec.OPUS) {
            fields.put("kind", OpusWire.KIND_OPUS);
            fields.put("sampleRate", OpusWire.SAMPLE_RATE);
            fields.put("frameMillis", OpusWire.FRAME_MILLIS);
            fields.put("samplesPerFrame", OpusWire.SAMPLES_PER_FRAME);
            fields.put("maxFrameBytes", OpusWire.MAX_FRAME_BYTES);
            fields.put("bitrate", opusBitrate);
        }
        else {
            fields.put("kind", MediaFrame.KIND_AUDIO);
            fields.put("sampleRate", format.sampleRate());
            fields.put("frameMillis", format.frameMillis());
            fields.put("samplesPerFrame", format.samplesPerFrame());
            fields.put("maxFrameBytes", MediaFrame.maxFrameBytes(format));
        }
        fields.put("channels", 1);
        return fields;
    }
}
