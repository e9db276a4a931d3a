package org.callvault.transport.sip.siprec;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A small element tree read with the JDK's own StAX parser, hardened for a body from the network:
 * a DOCTYPE is refused at once (no internal subset, so no entity can be declared: no XXE, no
 * billion laughs), external entities and DTDs are off, and depth, element count and attribute count
 * are bounded while reading, so a hostile document stops early. StAX rather than DOM: the limits
 * act as the document streams in, and the tree keeps what the raw re-serialisation of vendor
 * extensions needs (prefixes and the namespaces each element declared).
 */
final class XmlTree {

    /** Metadata nests five deep (recording/participant/extensiondata/apkt:header/value). */
    static final int MAX_DEPTH = 32;
    /** A two-party recording's metadata has 30 to 100 elements. */
    static final int MAX_ELEMENTS = 4096;
    static final int MAX_ATTRIBUTES = 32;
    /** How the reason of a document that is not XML starts. */
    static final String NOT_WELL_FORMED = "not well-formed XML";

    /** Why a document was refused. */
    static final class XmlRefused extends Exception {

        private static final long serialVersionUID = 1L;

        XmlRefused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** One element: its name, attributes by local name, children, text, and its own xmlns declarations. */
    static final class Node {
        final String namespace;
        final String prefix;
        final String local;
        final Map<String, String> attributes = new LinkedHashMap<>();
        /** Attributes by qualified name, with their namespace, for re-serialisation. */
        final List<String[]> rawAttributes = new ArrayList<>();
        final Map<String, String> declarations = new LinkedHashMap<>();
        final List<Node> children = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        Node(String namespace, String prefix, String local) {
            this.namespace = namespace == null ? "" : namespace;
            this.prefix = prefix == null ? "" : prefix;
            this.local = local;
        }

        String qualifiedName() {
            return prefix.isEmpty() ? local : prefix + ":" + local;
        }

        String text() {
            return text.toString().strip();
        }
    }

    private static final java.util.regex.Pattern START_TAG = java.util.regex.Pattern.compile("<[A-Za-z_][^<>]*>");
    private static final java.util.regex.Pattern BARE_ATTRIBUTE = java.util.regex.Pattern.compile(
            "(\\s[A-Za-z_][\\w.:-]*)\\s*=\\s*([^\\s\"'<>=/][^\\s\"'<>]*?)(?=\\s|/>|>)");

    private XmlTree() {
    }

    /**
     * {@code xml} with attribute values written without quotes ({@code label=P-Asserted-Identity},
     * as Oracle's published SIPREC sample shows) quoted, inside start tags only; null when there
     * are none. Tried once, only on a document that did not parse.
     */
    static String quoteBareAttributes(String xml) {
        java.util.regex.Matcher tags = START_TAG.matcher(xml);
        StringBuilder out = new StringBuilder(xml.length() + 16);
        boolean changed = false;
        while (tags.find()) {
            String tag = tags.group();
            String quoted = BARE_ATTRIBUTE.matcher(tag).replaceAll(match -> java.util.regex.Matcher.quoteReplacement(
                    match.group(1) + "=\"" + match.group(2).replace("&", "&amp;") + "\""));
            changed |= !quoted.equals(tag);
            tags.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(quoted));
        }
        tags.appendTail(out);
        return changed ? out.toString() : null;
    }

    private static XMLInputFactory factory() {
        // newDefaultFactory: the JDK's parser, whatever StAX implementation the classpath carries.
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        // FEATURE_SECURE_PROCESSING is not a StAX property in the JDK; its jdk.xml.* limits apply
        // to StAX by default. The depth limit is set in the parser too, past ours (which says why).
        factory.setProperty("jdk.xml.maxElementDepth", String.valueOf(MAX_DEPTH + 2));
        return factory;
    }

    /** StAX does not promise a factory is thread-safe; the SIP stack parses on several threads. */
    private static final ThreadLocal<XMLInputFactory> FACTORY = ThreadLocal.withInitial(XmlTree::factory);

    /** Reads {@code xml} into a tree, or says why not. */
    static Node parse(String xml) throws XmlRefused {
        XMLStreamReader reader = null;
        try {
            reader = FACTORY.get().createXMLStreamReader(new StringReader(xml));
            List<Node> open = new ArrayList<>();
            Node root = null;
            int elements = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.DTD -> throw new XmlRefused("DOCTYPE refused (no DTDs or entities in metadata)");
                    case XMLStreamConstants.ENTITY_REFERENCE -> throw new XmlRefused("entity reference refused");
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (++elements > MAX_ELEMENTS) {
                            throw new XmlRefused("more than " + MAX_ELEMENTS + " elements");
                        }
                        if (open.size() == MAX_DEPTH) {
                            throw new XmlRefused("elements nested deeper than " + MAX_DEPTH);
                        }
                        if (reader.getAttributeCount() > MAX_ATTRIBUTES) {
                            throw new XmlRefused("an element with more than " + MAX_ATTRIBUTES + " attributes");
                        }
                        Node node = new Node(reader.getNamespaceURI(), reader.getPrefix(), reader.getLocalName());
                        for (int i = 0; i < reader.getNamespaceCount(); i++) {
                            String prefix = reader.getNamespacePrefix(i);
                            node.declarations.put(prefix == null ? "" : prefix, reader.getNamespaceURI(i));
                        }
                        for (int i = 0; i < reader.getAttributeCount(); i++) {
                            String prefix = reader.getAttributePrefix(i);
                            String local = reader.getAttributeLocalName(i);
                            node.attributes.putIfAbsent(local, reader.getAttributeValue(i));
                            node.rawAttributes.add(new String[] {prefix == null || prefix.isEmpty() ? local : prefix + ":" + local,
                                    reader.getAttributeValue(i), prefix == null ? "" : prefix,
                                    reader.getAttributeNamespace(i) == null ? "" : reader.getAttributeNamespace(i)});
                        }
                        if (open.isEmpty()) {
                            root = node;
                        }
                        else {
                            open.get(open.size() - 1).children.add(node);
                        }
                        open.add(node);
                    }
                    case XMLStreamConstants.END_ELEMENT -> open.remove(open.size() - 1);
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (!open.isEmpty()) {
                            open.get(open.size() - 1).text.append(reader.getText());
                        }
                    }
                    default -> {
                        // Comments, processing instructions, the XML declaration: nothing to keep.
                    }
                }
            }
            if (root == null) {
                throw new XmlRefused("no root element");
            }
            return root;
        }
        catch (XMLStreamException | RuntimeException e) {
            // The JDK parser's message says where (line, column) and what; no stack trace is needed.
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new XmlRefused(NOT_WELL_FORMED + ": " + message.replaceAll("\\s+", " ").strip());
        }
        finally {
            if (reader != null) {
                try {
                    reader.close();
                }
                catch (XMLStreamException ignored) {
                    // Closing a reader over a String cannot lose anything.
                }
            }
        }
    }

    /**
     * Writes {@code node} back as XML, declaring on it every namespace its subtree uses (so the
     * fragment stands alone, e.g. an Acme {@code apkt:} element whose prefix the root declared).
     */
    static String serialize(Node node) {
        Map<String, String> used = new LinkedHashMap<>();
        collectNamespaces(node, used);
        used.putAll(node.declarations);
        StringBuilder out = new StringBuilder();
        write(node, used, out);
        return out.toString();
    }

    private static void collectNamespaces(Node node, Map<String, String> used) {
        used.putIfAbsent(node.prefix, node.namespace);
        for (String[] attribute : node.rawAttributes) {
            if (!attribute[2].isEmpty()) {
                used.putIfAbsent(attribute[2], attribute[3]);
            }
        }
        node.children.forEach(child -> collectNamespaces(child, used));
    }

    private static void write(Node node, Map<String, String> declarations, StringBuilder out) {
        out.append('<').append(node.qualifiedName());
        declarations.forEach((prefix, uri) -> {
            if (prefix.isEmpty() && uri.isEmpty()) {
                return;
            }
            out.append(prefix.isEmpty() ? " xmlns" : " xmlns:" + prefix).append("=\"");
            escape(uri, out, true);
            out.append('"');
        });
        for (String[] attribute : node.rawAttributes) {
            out.append(' ').append(attribute[0]).append("=\"");
            escape(attribute[1], out, true);
            out.append('"');
        }
        String text = node.text();
        if (node.children.isEmpty() && text.isEmpty()) {
            out.append("/>");
            return;
        }
        out.append('>');
        escape(text, out, false);
        for (Node child : node.children) {
            write(child, child.declarations, out);
        }
        out.append("</").append(node.qualifiedName()).append('>');
    }

    private static void escape(String text, StringBuilder out, boolean attribute) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                default -> out.append(c);
            }
        }
    }
}
