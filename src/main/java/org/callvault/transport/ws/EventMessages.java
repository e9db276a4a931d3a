package org.callvault.transport.ws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.callvault.call.AgentStatus;
import org.callvault.call.CallView;
import org.callvault.call.LegRole;
import org.callvault.user.AgentNames;
import org.callvault.media.AudioFormat;
import org.callvault.media.MediaFrame;
import org.callvault.recording.RecordingStateChanged;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes the JSON messages of the event socket, validating every field it reads. */
final class EventMessages {

    static final int MAX_TEXT_BYTES = 8 * 1024;

    private static final Pattern CALLER_NUMBER = Pattern.compile("[0-9+*#().\\- ]{0,40}");
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{1,64}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private final JsonMapper json;
    /** The people-facing name of a call's agent, next to the user name that identifies them. */
    private final AgentNames agentNames;

    EventMessages(JsonMapper json, AgentNames agentNames) {
        this.agentNames = agentNames;
        this.json = json;
    }

    static ProtocolError tooLarge() {
        return new ProtocolError("message_too_large", "A text message may have at most 8 KiB (8,192 bytes of UTF-8)");
    }

    JsonNode parse(String text) {
        JsonNode node;
        try {
            node = json.readTree(text);
        }
        catch (JacksonException e) {
            throw new ProtocolError("bad_json", "Not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolError("bad_json", "A message must be a JSON object");
        }
        return node;
    }

    static String type(JsonNode message) {
        JsonNode type = message.get("type");
        if (type == null || !type.isString()) {
            throw new ProtocolError("unknown_type", "Field 'type' is missing");
        }
        return type.asString();
    }

    static String callId(JsonNode message) {
        return required(message, "callId", ID, 64);
    }

    static String resumeToken(JsonNode message) {
        return required(message, "resumeToken", TOKEN, 128);
    }

    static String callerName(JsonNode message) {
        String name = optional(message, "callerName", 100);
        if (name != null && name.codePoints().anyMatch(cp -> !printable(cp))) {
            throw new ProtocolError("bad_message",
                    "Field 'callerName' has characters that are not printable (controls, invisible or direction marks)");
        }
        return name;
    }

    /**
     * Letters, marks, digits, punctuation, symbols and plain spaces. Not: controls, format characters
     * (U+200B zero width space, U+202E right-to-left override, which make a name look like another),
     * lone surrogates, private use, unassigned, line and paragraph separators.
     */
    static boolean printable(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            case Character.SPACE_SEPARATOR -> codePoint == ' ';
            default -> true;
        };
    }

    static String callerNumber(JsonNode message) {
        String number = optional(message, "callerNumber", 40);
        if (number != null && !CALLER_NUMBER.matcher(number).matches()) {
            throw new ProtocolError("bad_message", "Field 'callerNumber' may hold only digits, spaces and + * # ( ) - .");
        }
        return number;
    }

    private static String required(JsonNode message, String field, Pattern pattern, int max) {
        JsonNode value = message.get(field);
        if (value == null || !value.isString() || value.asString().isEmpty()) {
            throw new ProtocolError("bad_message", "Field '" + field + "' is required");
        }
        String text = value.asString();
        if (text.length() > max || !pattern.matcher(text).matches()) {
            throw new ProtocolError("bad_message", "Field '" + field + "' is malformed");
        }
        return text;
    }

    private static String optional(JsonNode message, String field, int max) {
        JsonNode value = message.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new ProtocolError("bad_message", "Field '" + field + "' must be a string");
        }
        String text = value.asString().strip();
        // Characters as a person counts them: code points, so an emoji is one, not two UTF-16 units.
        if (text.codePointCount(0, text.length()) > max) {
            throw new ProtocolError("bad_message", "Field '" + field + "' may have at most " + max + " characters");
        }
        return text.isEmpty() ? null : text;
    }

    /** {@code availability}: true for {@code away}, false for {@code available}. */
    static boolean away(JsonNode message) {
        JsonNode status = message.get("status");
        String text = status != null && status.isString() ? status.asString() : null;
        if (!"away".equals(text) && !"available".equals(text)) {
            throw new ProtocolError("bad_message", "Field 'status' must be 'available' or 'away'");
        }
        return "away".equals(text);
    }

    /** The console's presence after an {@code availability} message (docs/protocol.md). */
    String availability(AgentStatus status) {
        Map<String, Object> message = message("availability");
        message.put("status", status.wireName());
        return write(message);
    }

    /** This console no longer rings for the call (docs/protocol.md). */
    String offerWithdrawn(String callId) {
        Map<String, Object> message = message("offer_withdrawn");
        message.put("callId", callId);
        return write(message);
    }

    String welcome(String role, String user, AudioFormat format, List<CallView> calls, String availability) {
        Map<String, Object> media = new LinkedHashMap<>();
        media.put("path", "/ws/media");
        media.put("version", MediaFrame.VERSION);
        media.put("sampleRate", format.sampleRate());
        media.put("frameMillis", format.frameMillis());
        media.put("samplesPerFrame", format.samplesPerFrame());
        media.put("channels", 1);
        media.put("maxFrameBytes", MediaFrame.maxFrameBytes(format));
        Map<String, Object> message = message("welcome");
        message.put("role", role);
        message.put("user", user);
        message.put("media", media);
        message.put("calls", calls.stream().map(this::call).toList());
        if (availability != null) {
            message.put("availability", availability);
        }
        return write(message);
    }

    /** A console's whole list of live calls again, replacing what it shows (docs/protocol.md, {@code resync}). */
    String resync(List<CallView> calls) {
        Map<String, Object> message = message("resync");
        message.put("calls", calls.stream().map(this::call).toList());
        return write(message);
    }

    String callChanged(CallView call) {
        Map<String, Object> message = message("call");
        message.put("call", call(call));
        return write(message);
    }

    String leg(String callId, LegRole role, String resumeToken) {
        Map<String, Object> message = message("leg");
        message.put("callId", callId);
        message.put("leg", role.wireName());
        message.put("resumeToken", resumeToken);
        return write(message);
    }

    String media(String callId, LegRole role, String token) {
        return media(callId, role, token, Map.of());
    }

    /** A {@code media} message with what a version-2 client was told its media socket carries. */
    String media(String callId, LegRole role, String token, Map<String, Object> wire) {
        Map<String, Object> message = message("media");
        message.put("callId", callId);
        message.put("leg", role.wireName());
        message.put("token", token);
        message.put("url", "/ws/media?token=" + token);
        message.putAll(wire);
        return write(message);
    }

    /** The answer to a {@code hello} (protocol version 2). */
    String hello(Map<String, Object> fields) {
        Map<String, Object> message = message("hello");
        message.putAll(fields);
        return write(message);
    }

    /** A recording stopped for lack of space or went on in a new part (see docs/protocol.md). */
    String recording(RecordingStateChanged change) {
        Map<String, Object> message = message("recording");
        message.put("callId", change.callId());
        message.put("recordingId", change.recordingId());
        message.put("state", change.state().wireName());
        message.put("part", change.part());
        if (change.reason() != null) {
            message.put("reason", change.reason());
        }
        return write(message);
    }

    String pong() {
        return write(message("pong"));
    }

    String error(String code, String text, String ref, String callId) {
        return error(code, text, ref, callId, 0);
    }

    /** {@code retryAfterMillis}: when to ask again ({@code try_again}); 0 leaves the field out. */
    String error(String code, String text, String ref, String callId, long retryAfterMillis) {
        Map<String, Object> message = message("error");
        message.put("code", code);
        message.put("message", text);
        if (ref != null) {
            message.put("ref", ref);
        }
        if (callId != null) {
            message.put("callId", callId);
        }
        if (retryAfterMillis > 0) {
            message.put("retryAfterMillis", retryAfterMillis);
        }
        return write(message);
    }

    String replaced(String callId, LegRole role) {
        Map<String, Object> message = message("replaced");
        message.put("callId", callId);
        message.put("leg", role.wireName());
        return write(message);
    }

    private Map<String, Object> call(CallView call) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", call.id());
        view.put("state", call.state().wireName());
        view.put("callerName", call.callerName());
        view.put("callerNumber", call.callerNumber());
        view.put("agent", call.agent());
        view.put("agentName", agentNames.of(call.agent()));
        view.put("createdAt", call.createdAt() == null ? null : call.createdAt().toString());
        view.put("answeredAt", call.answeredAt() == null ? null : call.answeredAt().toString());
        view.put("endedAt", call.endedAt() == null ? null : call.endedAt().toString());
        view.put("endReason", call.endReason() == null ? null : call.endReason().wireName());
        view.put("durationMs", call.durationMs());
        view.put("recordingId", call.recordingId());
        view.put("source", call.source());
        view.put("held", call.held());
        view.put("dtmf", call.dtmf().stream()
                .map(d -> Map.of("digit", String.valueOf(d.digit()), "atMs", d.atMs())).toList());
        return view;
    }

    private static Map<String, Object> message(String type) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", type);
        return message;
    }

    private String write(Map<String, Object> message) {
        return json.writeValueAsString(message);
    }
}
