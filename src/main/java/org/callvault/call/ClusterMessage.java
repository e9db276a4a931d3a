package org.callvault.call;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One message between nodes, as JSON on the cluster channel. Every field is checked on receipt
 * ({@link #problem()}): a message with any wrong field is dropped whole. Only the messages meant
 * for one console carry tokens ({@code party} of kind {@code leg} or {@code media}: the console
 * needs them); ringing offers and call changes carry the call's public view only.
 *
 * @param type     {@code hello} (a node came up or back: tell me your consoles), {@code alive} (the
 *                 node's heartbeat, each second: {@link NodeLiveness}), {@code presence}
 *                 (a console's status, {@code gone} when closed), {@code offer} / {@code withdraw}
 *                 (a ringing call starts or stops ringing at these consoles), {@code changed} (a call
 *                 changed past ringing: every console sees it), {@code command} (a console's answer,
 *                 decline or hang-up, to the call's node), {@code party} (to the console holding a leg:
 *                 kind {@code leg}, {@code media}, {@code call} or {@code replaced}), {@code refused}
 *                 (a command failed: code and text for the console), {@code signout} (close this
 *                 user's sockets), {@code calls} (the sender's live calls, all of them: a snapshot in
 *                 parts of at most {@link #MAX_SNAPSHOT_CALLS}, kind {@code whole}, or {@code first},
 *                 {@code more}..., {@code last}; sent after a {@code hello} and when the sender's link
 *                 comes back, so that what was lost while Redis was down is made good)
 * @param from     the sending node
 * @param to       the node addressed ({@code command}, {@code party}, {@code refused}), else null
 * @param calls    a part of a {@code calls} snapshot, else null
 * @param incarnation on {@code hello} and {@code alive}: the sending process's random id, new at each
 *                 start, so that a node restarted faster than the lost-after period is still seen to
 *                 have lost its calls ({@link NodeLiveness}); null from a node older than it, or elsewhere
 * @param codec    on a {@code command} to answer: what the answering console's media socket will speak
 *                 ({@code pcm} or {@code opus}, as its event socket agreed on its own node), so that the call's
 *                 node, which takes that socket, reads and writes its frames right (docs/ARCHITECTURE.md,
 *                 "Live calls across nodes"); null from a node older than it, or elsewhere
 */
public record ClusterMessage(String type, String from, String to, String callId, String console, String user,
        String status, String action, String kind, String role, String token, String code, String text,
        List<String> consoles, CallView call, List<CallView> calls, String incarnation, String codec) {

    static final int MAX_CONSOLES = 10_000;
    /**
     * Calls in one part of a snapshot: a call's view is a few hundred bytes, up to ~6 KiB with its 200
     * DTMF digits, so a part stays well under {@link RedisClusterEvents#MAX_MESSAGE_BYTES} either way.
     */
    static final int MAX_SNAPSHOT_CALLS = 50;
    private static final Set<String> TYPES = Set.of("hello", "alive", "presence", "offer", "withdraw", "changed", "command",
            "party", "refused", "signout", "calls");
    /** What a media socket may speak: {@code MediaWire}'s codecs' wire names. */
    static final Set<String> CODECS = Set.of("pcm", "opus");
    private static final Set<String> SNAPSHOT_PARTS = Set.of("whole", "first", "more", "last");
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{1,64}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.-]{1,200}");
    private static final Pattern USER = Pattern.compile("[\\p{L}\\p{N}._@+-]{1,100}");
    private static final Pattern WORD = Pattern.compile("[a-z_]{1,32}");

    public static ClusterMessage hello(String from, String incarnation) {
        return new ClusterMessage("hello", from, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                incarnation, null);
    }

    static ClusterMessage alive(String from, String incarnation) {
        return new ClusterMessage("alive", from, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                incarnation, null);
    }

    public static ClusterMessage signOut(String from, String user) {
        return new ClusterMessage("signout", from, null, null, null, user, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    static ClusterMessage presence(String from, String console, String user, String status) {
        return new ClusterMessage("presence", from, null, null, console, user, status, null, null, null, null, null, null, null, null, null, null, null);
    }

    static ClusterMessage offer(String from, CallView call, List<String> consoles) {
        return new ClusterMessage("offer", from, null, call.id(), null, null, null, null, null, null, null, null, null, consoles, call, null, null, null);
    }

    static ClusterMessage withdraw(String from, String callId, List<String> consoles) {
        return new ClusterMessage("withdraw", from, null, callId, null, null, null, null, null, null, null, null, null, consoles, null, null, null, null);
    }

    static ClusterMessage changed(String from, CallView call) {
        return new ClusterMessage("changed", from, null, call.id(), null, null, null, null, null, null, null, null, null, null, call, null, null, null);
    }

    static ClusterMessage command(String from, String to, String action, String callId, String console, String user,
            String codec) {
        return new ClusterMessage("command", from, to, callId, console, user, null, action, null, null, null, null, null, null, null, null, null,
                codec);
    }

    static ClusterMessage party(String from, String to, String console, String kind, String callId, LegRole role,
            String token, CallView call) {
        return new ClusterMessage("party", from, to, callId, console, null, null, null, kind,
                role == null ? null : role.wireName(), token, null, null, null, call, null, null, null);
    }

    static ClusterMessage refused(String from, String to, String console, String action, String callId, String code,
            String text) {
        return new ClusterMessage("refused", from, to, callId, console, null, null, action, null, null, null, code, text, null, null, null, null, null);
    }

    /** One part of a snapshot of {@code from}'s live calls; {@code kind} says which (whole, first, more, last). */
    static ClusterMessage calls(String from, String kind, List<CallView> calls) {
        return new ClusterMessage("calls", from, null, null, null, null, null, null, kind, null, null, null, null, null, null,
                calls, null, null);
    }

    /** What is wrong with a received message, or null when every field it needs is well formed. */
    public String problem() {
        if (type == null || !TYPES.contains(type)) {
            return "unknown type";
        }
        if (!matches(NODE, from) || to != null && !matches(NODE, to)) {
            return "bad node id";
        }
        if (incarnation != null && (!matches(NODE, incarnation) || !Set.of("hello", "alive").contains(type))) {
            return "bad incarnation";
        }
        if (codec != null && (!CODECS.contains(codec) || !"command".equals(type) || !"answer".equals(action))) {
            return "bad codec";
        }
        if (callId != null && !matches(ID, callId) || console != null && !matches(ID, console)) {
            return "bad call or console id";
        }
        if (user != null && !matches(USER, user) || token != null && !matches(TOKEN, token)) {
            return "bad user or token";
        }
        for (String word : new String[] { status, action, kind, role, code }) {
            if (word != null && !matches(WORD, word)) {
                return "bad word field";
            }
        }
        if (text != null && text.length() > 500 || consoles != null && consoles.size() > MAX_CONSOLES) {
            return "too long";
        }
        if (role != null && !Set.of("caller", "agent").contains(role)) {
            return "bad role";
        }
        if (consoles != null && consoles.stream().anyMatch(c -> !matches(ID, c))) {
            return "bad console id";
        }
        if (call != null && (!matches(ID, call.id()) || call.state() == null || !call.id().equals(callId))) {
            return "bad call view";
        }
        if (calls != null && (calls.size() > MAX_SNAPSHOT_CALLS
                || calls.stream().anyMatch(c -> c == null || !matches(ID, c.id()) || c.state() == null))) {
            return "bad snapshot";
        }
        return switch (type) {
            case "hello", "alive" -> null;
            case "signout" -> user == null ? "no user" : null;
            case "presence" -> console == null || user == null || status == null
                    || !Set.of("available", "away", "busy", "gone").contains(status) ? "bad presence" : null;
            case "offer" -> call == null || consoles == null ? "bad offer" : null;
            case "withdraw" -> callId == null || consoles == null ? "bad withdraw" : null;
            case "changed" -> call == null ? "bad change" : null;
            case "command" -> to == null || callId == null || console == null || user == null
                    || !Set.of("answer", "decline", "hangup").contains(action) ? "bad command" : null;
            case "party" -> to == null || console == null || callId == null
                    || !Set.of("leg", "media", "call", "replaced").contains(kind)
                    || ("leg".equals(kind) || "media".equals(kind)) && (token == null || role == null)
                    || "call".equals(kind) && call == null ? "bad party message" : null;
            case "refused" -> to == null || console == null || code == null ? "bad refusal" : null;
            case "calls" -> calls == null || !SNAPSHOT_PARTS.contains(kind) ? "bad snapshot" : null;
            default -> "unknown type";
        };
    }

    private static boolean matches(Pattern pattern, String value) {
        return value != null && pattern.matcher(value).matches();
    }
}
