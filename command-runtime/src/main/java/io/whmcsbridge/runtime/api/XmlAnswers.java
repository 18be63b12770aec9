package io.whmcsbridge.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.Json;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an API's XML answer into the JSON tree its JSON answer would have been, so gateways read one shape. The
 * root element is the envelope (its name is dropped). Rules, from the XML the documents show:
 * <ul>
 * <li>an element with {@code type="array"} is an array of its children (wbTeamPro);</li>
 * <li>sibling elements with the same name are an array under that name;</li>
 * <li>a plural element whose children all carry its singular name ({@code <invoices><invoice>}) holds an array even
 * with one child, as WHMCS's JSON does ({@code "invoices": {"invoice": [...]}});</li>
 * <li>a leading underscore is dropped from names (wbTeamPro writes keys that are not XML names that way);</li>
 * <li>leaves are text: XML does not say which values were numbers.</li>
 * </ul>
 * DOCTYPEs are refused and entities not expanded: an answer cannot make the service read files or the network. And
 * an answer is bounded: at most {@value #MAX_CHARS} characters, {@value #MAX_DEPTH} levels of elements and
 * {@value #MAX_ELEMENTS} elements (it is read as a stream and given up as soon as it passes one of them), so neither a
 * deep nor a wide document can exhaust the stack or the heap.
 */
public final class XmlAnswers {
    /** Longest XML answer read (characters). */
    public static final int MAX_CHARS = 16 * 1024 * 1024;
    /** Deepest nesting of elements. */
    public static final int MAX_DEPTH = 64;
    /** Most elements in one answer. */
    public static final int MAX_ELEMENTS = 200_000;

    private static final XMLInputFactory FACTORY = factory();

    private XmlAnswers() {
    }

    /** An element as read: name, {@code type} attribute, text and child elements. */
    private static final class El {
        final String name;
        final String type;
        final StringBuilder text = new StringBuilder();
        final List<El> children = new ArrayList<>();

        El(String name, String type) {
            this.name = name;
            this.type = type;
        }
    }

    /** Whether the body looks like XML (it starts with {@code <}). */
    public static boolean isXml(String body) {
        return body != null && body.stripLeading().startsWith("<");
    }

    /** The JSON tree of an XML answer, or {@code null} if it is not well-formed XML or passes a bound. */
    public static JsonNode read(String body) {
        if (body == null || body.length() > MAX_CHARS) {
            return null;
        }
        XMLStreamReader r = null;
        try {
            r = FACTORY.createXMLStreamReader(new StringReader(body));
            Deque<El> open = new ArrayDeque<>();
            El root = null;
            int elements = 0;
            while (r.hasNext()) {
                switch (r.next()) {
                    case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE -> {
                        return null;
                    }
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (++elements > MAX_ELEMENTS || open.size() >= MAX_DEPTH) {
                            return null;
                        }
                        El e = new El(name(r.getLocalName()), r.getAttributeValue(null, "type"));
                        if (open.isEmpty()) {
                            root = e;
                        } else {
                            open.peek().children.add(e);
                        }
                        open.push(e);
                    }
                    case XMLStreamConstants.END_ELEMENT -> open.pop();
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (!open.isEmpty()) {
                            open.peek().text.append(r.getText());
                        }
                    }
                    default -> {
                        // comments, processing instructions
                    }
                }
            }
            return root == null ? null : node(root);
        } catch (XMLStreamException | RuntimeException e) {
            return null;
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing held
                }
            }
        }
    }

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false); // names as written, prefixes included
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    /** Recursion is bounded by {@link #MAX_DEPTH}. */
    private static JsonNode node(El e) {
        if ("array".equals(e.type)) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            e.children.forEach(c -> a.add(node(c)));
            return a;
        }
        if (e.children.isEmpty()) {
            return Json.MAPPER.getNodeFactory().textNode(e.text.toString());
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        String plural = e.name;
        String singular = plural.length() > 1 && plural.endsWith("s") ? plural.substring(0, plural.length() - 1) : null;
        boolean listHolder = singular != null && e.children.stream().allMatch(c -> c.name.equals(singular));
        Map<String, Integer> counts = new HashMap<>();
        e.children.forEach(c -> counts.merge(c.name, 1, Integer::sum));
        for (El c : e.children) {
            if (listHolder || counts.get(c.name) > 1) {
                (o.get(c.name) instanceof ArrayNode a ? a : o.putArray(c.name)).add(node(c));
            } else {
                o.set(c.name, node(c));
            }
        }
        return o;
    }

    /** The element's name as written, a leading underscore dropped. */
    private static String name(String n) {
        return n.startsWith("_") ? n.substring(1) : n;
    }
}
