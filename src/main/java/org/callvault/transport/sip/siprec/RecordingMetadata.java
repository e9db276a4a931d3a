package org.callvault.transport.sip.siprec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.callvault.transport.sip.siprec.XmlTree.Node;

/**
 * SIPREC recording metadata (RFC 7865): who takes part in the recorded session and which of the
 * offered streams (by {@code a=label}) each one sends.
 *
 * <p>Lenient by design, because a real SBC's body that a parser did not expect is the commonest
 * SIPREC failure: the namespace with or without {@code :1} (Oracle/Acme, Ribbon), any prefix
 * ({@code tns:}), element names in any case ({@code dataMode}); the RFC's attributes
 * ({@code session_id}, {@code participant_id}, {@code stream_id}, {@code group_id}) and the draft's
 * ({@code id}, {@code session}); stream associations in {@code participantstreamassoc} or as
 * {@code send}/{@code recv} inside {@code participant} (Acme); {@code nameID aor=} with
 * {@code name}, or {@code aor}/{@code name} children (older Acme); no {@code stream} elements at
 * all (OpenSIPS). Every element this class does not interpret (Acme {@code extensiondata} with
 * {@code apkt:}, Avaya's UCID, Ribbon's {@code callData}, anything) is kept as raw XML in
 * {@link #extensions()}, keyed by where it was ({@code participant[<id>]/extensiondata}).
 *
 * <p>One repair is tried on a body that is not XML: attribute values written without quotes (as
 * Oracle's published sample shows {@code <apkt:header label=P-Asserted-Identity>}) are quoted and
 * the body read again; {@link #reason()} then says so.
 *
 * <p>A body that cannot be read never fails the session: {@link #parse} returns {@code parsed=false}
 * with the raw body (cut to {@link #MAX_CHARS}) and the reason; the audio is recorded anyway.
 * Hostile XML is such a body: a DOCTYPE (so any entity, internal or external) is refused before
 * anything is expanded; depth, element count and size are bounded (see {@link XmlTree}).
 *
 * @param sessionId    the recorded communication session's id (the first {@code session}, else
 *                     {@code sessionrecordingassoc}), or null
 * @param participants participants in order of appearance, with the labels they send
 * @param streams      streams with their labels (none when the SRC sends no {@code stream})
 * @param extensions   raw XML of every uninterpreted element, keyed by position
 * @param rawXml       the body as received (for audit)
 * @param parsed       false when the body could not be read; then {@code reason} says why
 * @param reason       why the body was not parsed; for a parsed body, what was repaired to read it
 *                     (attribute values without quotes), else null
 * @param dataMode     {@code complete} (a snapshot) or {@code partial} (an update to merge)
 * @param groupId      the {@code group}'s id, or null
 * @param sipSessionId the {@code sipSessionID} of the session (RFC 7989 Session-ID), or null
 */
public record RecordingMetadata(String sessionId, List<Participant> participants, List<Stream> streams,
        Map<String, String> extensions, String rawXml, boolean parsed, String reason, DataMode dataMode,
        String groupId, String sipSessionId) {

    /** Same bound as the multipart body: real metadata is 1 to 4 KB. */
    public static final int MAX_CHARS = 64 * 1024;

    public static final String NAMESPACE = "urn:ietf:params:xml:ns:recording:1";
    /** The draft-era namespace Oracle/Acme and Ribbon still send. */
    public static final String NAMESPACE_DRAFT = "urn:ietf:params:xml:ns:recording";

    /** RFC 7865 elements read for their meaning, or deliberately skipped (times, modes): not extensions. */
    private static final Set<String> RFC_CHILDREN = Set.of("associate-time", "disassociate-time", "start-time",
            "stop-time", "mode", "content-type", "label", "nameid", "name", "aor", "send", "recv", "sipsessionid",
            "group-ref", "datamode");

    public RecordingMetadata {
        participants = List.copyOf(participants);
        streams = List.copyOf(streams);
        extensions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    public enum DataMode {
        COMPLETE, PARTIAL
    }

    /**
     * A participant.
     *
     * @param id         its id ({@code participant_id} or draft {@code id}); AudioCodes uses phone numbers
     * @param name       display name, or null
     * @param aor        address of record (SIP URI or number), or null
     * @param sendLabels the labels of the streams it sends, resolved through {@link #streams()}
     * @param sends      the ids of the streams it sends, as the metadata gave them
     * @param receives   the ids of the streams it receives
     */
    public record Participant(String id, String name, String aor, List<String> sendLabels, List<String> sends,
            List<String> receives) {

        public Participant {
            sendLabels = List.copyOf(sendLabels);
            sends = List.copyOf(sends);
            receives = List.copyOf(receives);
        }
    }

    /** A stream: its id, its SDP {@code a=label} (a number or a word), and its session's id. */
    public record Stream(String id, String label, String sessionId) {
    }

    /** The participant whose stream carries {@code label}, if the metadata says. */
    public Optional<Participant> participantSending(String label) {
        if (label == null) {
            return Optional.empty();
        }
        String wanted = label.strip();
        return participants.stream().filter(p -> p.sendLabels().contains(wanted)).findFirst();
    }

    /** Metadata for a body that could not be read: the raw body kept, the reason said. */
    public static RecordingMetadata unparsed(String rawXml, String reason) {
        String raw = rawXml != null && rawXml.length() > MAX_CHARS ? rawXml.substring(0, MAX_CHARS) : rawXml;
        return new RecordingMetadata(null, List.of(), List.of(), Map.of(), raw, false, reason, DataMode.COMPLETE,
                null, null);
    }

    /** Reads a metadata body; never throws (see the class comment). */
    public static RecordingMetadata parse(String xml) {
        if (xml == null || xml.isBlank()) {
            return unparsed(xml, "no metadata body");
        }
        if (xml.length() > MAX_CHARS) {
            return unparsed(xml, "metadata of " + xml.length() + " characters is over " + MAX_CHARS
                    + " (raw body kept cut to that)");
        }
        Node root;
        String repaired = null;
        try {
            root = XmlTree.parse(xml);
        }
        catch (XmlTree.XmlRefused refused) {
            String quoted = refused.getMessage().startsWith(XmlTree.NOT_WELL_FORMED) ? XmlTree.quoteBareAttributes(xml)
                    : null;
            if (quoted == null) {
                return unparsed(xml, refused.getMessage());
            }
            try {
                root = XmlTree.parse(quoted);
                repaired = "repaired: attribute values without quotes were quoted";
            }
            catch (XmlTree.XmlRefused | RuntimeException stillRefused) {
                return unparsed(xml, refused.getMessage());
            }
        }
        if (!lower(root.local).equals("recording")
                || !(root.namespace.isEmpty() || root.namespace.startsWith(NAMESPACE_DRAFT))) {
            return unparsed(xml, "root element is {" + root.namespace + "}" + root.local + ", not a recording");
        }
        return new Reader(root.namespace).read(root, xml, repaired);
    }

    /** Walks the tree once; ids link participants, streams and associations in any order. */
    private static final class Reader {
        private final String namespace;
        private final Map<String, MutableParticipant> participants = new LinkedHashMap<>();
        private final Map<String, Stream> streams = new LinkedHashMap<>();
        private final Map<String, String> extensions = new LinkedHashMap<>();
        private String sessionId;
        private String associatedSession;
        private String groupId;
        private String sipSessionId;
        private DataMode dataMode = DataMode.COMPLETE;

        Reader(String namespace) {
            this.namespace = namespace;
        }

        RecordingMetadata read(Node root, String xml, String repaired) {
            for (Node element : root.children) {
                if (!ours(element)) {
                    extension("recording", element);
                    continue;
                }
                switch (lower(element.local)) {
                    case "datamode" -> dataMode = lower(element.text()).equals("partial") ? DataMode.PARTIAL
                            : DataMode.COMPLETE;
                    case "group" -> {
                        String id = id(element, "group_id");
                        groupId = groupId == null ? id : groupId;
                        extensions("group", id, element);
                    }
                    case "session" -> session(element);
                    case "participant" -> participant(element);
                    case "stream" -> stream(element);
                    case "participantstreamassoc" -> {
                        String id = attribute(element, "participant_id", "participant", "id");
                        associations(participant(id), element);
                        extensions("participantstreamassoc", id, element);
                    }
                    case "sessionrecordingassoc" -> {
                        associatedSession = associatedSession == null ? attribute(element, "session_id", "session", "id")
                                : associatedSession;
                        extensions("sessionrecordingassoc", associatedSession, element);
                    }
                    case "participantsessionassoc" -> {
                        // Who is in which session: with one recorded session, everyone; kept for the lookup.
                        String id = attribute(element, "participant_id", "participant", "id");
                        participant(id);
                        extensions("participantsessionassoc", id, element);
                    }
                    default -> extension("recording", element);
                }
            }
            List<Stream> streamList = List.copyOf(streams.values());
            List<Participant> list = new ArrayList<>(participants.size());
            participants.values().forEach(p -> list.add(p.freeze()));
            return new RecordingMetadata(sessionId != null ? sessionId : associatedSession, withLabels(list, streamList),
                    streamList, extensions, xml, true, repaired, dataMode, groupId, sipSessionId);
        }

        private void session(Node element) {
            String id = id(element, "session_id");
            if (sessionId == null) {
                sessionId = id;
            }
            for (Node child : element.children) {
                if (ours(child) && lower(child.local).equals("sipsessionid") && sipSessionId == null) {
                    // RFC 7865's example folds it over lines; the value has no spaces (RFC 7989).
                    sipSessionId = child.text().replaceAll("\\s+", "");
                }
                else if (ours(child) && lower(child.local).equals("group-ref") && groupId == null) {
                    groupId = child.text();
                }
            }
            extensions("session", id, element);
        }

        private void participant(Node element) {
            MutableParticipant participant = participant(id(element, "participant_id"));
            for (Node child : element.children) {
                if (!ours(child)) {
                    continue;
                }
                switch (lower(child.local)) {
                    case "nameid" -> {
                        if (participant.aor == null) {
                            participant.aor = blankToNull(child.attributes.get("aor"));
                        }
                        for (Node name : child.children) {
                            if (lower(name.local).equals("name") && participant.name == null) {
                                participant.name = blankToNull(name.text());
                            }
                        }
                    }
                    case "aor" -> participant.aor = participant.aor == null ? blankToNull(child.text()) : participant.aor;
                    case "name" -> participant.name = participant.name == null ? blankToNull(child.text())
                            : participant.name;
                    default -> {
                        // send/recv (Acme) are read below; the rest are times or extensions.
                    }
                }
            }
            associations(participant, element);
            extensions("participant", participant.id, element);
        }

        private void stream(Node element) {
            String id = id(element, "stream_id");
            String label = null;
            for (Node child : element.children) {
                if (ours(child) && lower(child.local).equals("label") && label == null) {
                    label = blankToNull(child.text());
                }
            }
            String key = id != null ? id : "#stream" + streams.size();
            streams.putIfAbsent(key, new Stream(id, label, attribute(element, "session_id", "session")));
            extensions("stream", id, element);
        }

        private void associations(MutableParticipant participant, Node element) {
            List<String> sends = new ArrayList<>();
            List<String> receives = new ArrayList<>();
            for (Node child : element.children) {
                if (ours(child) && lower(child.local).equals("send") && !child.text().isEmpty()) {
                    sends.add(child.text());
                }
                else if (ours(child) && lower(child.local).equals("recv") && !child.text().isEmpty()) {
                    receives.add(child.text());
                }
            }
            if (!sends.isEmpty() || !receives.isEmpty()) {
                // The latest association for a participant is its current one (RFC 7865 §6.2 updates).
                participant.sends = sends;
                participant.receives = receives;
            }
        }

        private MutableParticipant participant(String id) {
            String key = id != null ? id : "#participant" + participants.size();
            return participants.computeIfAbsent(key, k -> new MutableParticipant(id));
        }

        /** Keeps the uninterpreted children of a known element as extensions. */
        private void extensions(String owner, String id, Node element) {
            for (Node child : element.children) {
                if (!ours(child) || !RFC_CHILDREN.contains(lower(child.local))) {
                    extension(owner + "[" + (id == null ? "" : id) + "]", child);
                }
            }
        }

        private void extension(String owner, Node element) {
            String key = owner + "/" + element.qualifiedName();
            String unique = key;
            for (int n = 2; extensions.containsKey(unique); n++) {
                unique = key + "#" + n;
            }
            extensions.put(unique, XmlTree.serialize(element));
        }

        /** In the recording namespace (whichever of the two the root used), or in none. */
        private boolean ours(Node element) {
            return element.namespace.equals(namespace) || element.namespace.isEmpty();
        }
    }

    private static final class MutableParticipant {
        final String id;
        String name;
        String aor;
        List<String> sends = List.of();
        List<String> receives = List.of();

        MutableParticipant(String id) {
            this.id = id;
        }

        Participant freeze() {
            return new Participant(id, name, aor, List.of(), sends, receives);
        }
    }

    /** The element's id: the RFC attribute, else the draft's {@code id}. */
    private static String id(Node element, String rfcName) {
        return attribute(element, rfcName, "id");
    }

    private static String attribute(Node element, String... names) {
        for (String name : names) {
            String value = element.attributes.get(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }

    /**
     * Resolves each participant's sent stream ids to labels: by stream id, else (SRCs that put the
     * label itself in {@code send}) by label; ids naming no stream give no label.
     */
    private static List<Participant> withLabels(List<Participant> participants, List<Stream> streams) {
        Map<String, String> labelById = new LinkedHashMap<>();
        Set<String> labels = new java.util.HashSet<>();
        for (Stream stream : streams) {
            if (stream.label() != null) {
                if (stream.id() != null) {
                    labelById.put(stream.id(), stream.label());
                }
                labels.add(stream.label());
            }
        }
        List<Participant> resolved = new ArrayList<>(participants.size());
        for (Participant p : participants) {
            List<String> sendLabels = new ArrayList<>();
            for (String send : p.sends()) {
                String label = labelById.containsKey(send) ? labelById.get(send) : labels.contains(send) ? send : null;
                if (label != null && !sendLabels.contains(label)) {
                    sendLabels.add(label);
                }
            }
            resolved.add(new Participant(p.id(), p.name(), p.aor(), sendLabels, p.sends(), p.receives()));
        }
        return resolved;
    }

    /**
     * This metadata updated by the metadata of a re-INVITE or UPDATE. A {@code complete} update is a
     * new snapshot and replaces this one; a {@code partial} one (RFC 7865 §6.2) is merged by id:
     * participants' names and AoRs where the update has them, their stream associations where the
     * update gives any, streams' labels, new participants and streams added, extensions overwritten
     * by key. An update that could not be read changes nothing; the merged view keeps this body's
     * {@link #rawXml()} (store each update's raw body on its own for audit).
     */
    public RecordingMetadata merge(RecordingMetadata update) {
        if (update == null || !update.parsed()) {
            return this;
        }
        if (!parsed || update.dataMode() == DataMode.COMPLETE) {
            return update;
        }
        Map<String, Participant> byId = new LinkedHashMap<>();
        participants.forEach(p -> byId.put(key(p.id(), byId.size()), p));
        for (Participant u : update.participants()) {
            Participant old = u.id() == null ? null : byId.get(u.id());
            if (old == null) {
                byId.put(key(u.id(), byId.size()), u);
                continue;
            }
            boolean associated = !u.sends().isEmpty() || !u.receives().isEmpty();
            byId.put(u.id(), new Participant(u.id(), u.name() != null ? u.name() : old.name(),
                    u.aor() != null ? u.aor() : old.aor(), List.of(), associated ? u.sends() : old.sends(),
                    associated ? u.receives() : old.receives()));
        }
        Map<String, Stream> streamsById = new LinkedHashMap<>();
        streams.forEach(s -> streamsById.put(key(s.id(), streamsById.size()), s));
        for (Stream u : update.streams()) {
            Stream old = u.id() == null ? null : streamsById.get(u.id());
            streamsById.put(old == null ? key(u.id(), streamsById.size()) : u.id(), old == null ? u
                    : new Stream(u.id(), u.label() != null ? u.label() : old.label(),
                            u.sessionId() != null ? u.sessionId() : old.sessionId()));
        }
        Map<String, String> mergedExtensions = new LinkedHashMap<>(extensions);
        mergedExtensions.putAll(update.extensions());
        List<Stream> mergedStreams = List.copyOf(streamsById.values());
        return new RecordingMetadata(sessionId != null ? sessionId : update.sessionId(),
                withLabels(List.copyOf(byId.values()), mergedStreams), mergedStreams, mergedExtensions, rawXml, true,
                null, DataMode.COMPLETE, groupId != null ? groupId : update.groupId(),
                sipSessionId != null ? sipSessionId : update.sipSessionId());
    }

    private static String key(String id, int position) {
        return id != null ? id : "#" + position;
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
