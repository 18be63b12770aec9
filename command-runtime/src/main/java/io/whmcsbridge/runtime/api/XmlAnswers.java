package io.whmcsbridge.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.Json;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
 * DOCTYPEs are refused and entities not expanded: an answer cannot make the service read files or the network.
 */
public final class XmlAnswers {
    private XmlAnswers() {
    }

    /** Whether the body looks like XML (it starts with {@code <}). */
    public static boolean isXml(String body) {
        return body != null && body.stripLeading().startsWith("<");
    }

    /** The JSON tree of an XML answer, or {@code null} if it is not well-formed XML. */
    public static JsonNode read(String body) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            Element root = f.newDocumentBuilder()
                    .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
            return node(root);
        } catch (Exception e) {
            return null;
        }
    }

    private static JsonNode node(Element e) {
        List<Element> children = new ArrayList<>();
        for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c.getNodeType() == Node.ELEMENT_NODE) {
                children.add((Element) c);
            }
        }
        if ("array".equals(e.getAttribute("type"))) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            children.forEach(c -> a.add(node(c)));
            return a;
        }
        if (children.isEmpty()) {
            return Json.MAPPER.getNodeFactory().textNode(e.getTextContent());
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        String plural = name(e);
        boolean listHolder = plural.length() > 1 && plural.endsWith("s")
                && children.stream().allMatch(c -> name(c).equals(plural.substring(0, plural.length() - 1)));
        for (Element c : children) {
            String name = name(c);
            if (listHolder || repeated(children, name)) {
                (o.has(name) ? (ArrayNode) o.get(name) : o.putArray(name)).add(node(c));
            } else {
                o.set(name, node(c));
            }
        }
        return o;
    }

    private static boolean repeated(List<Element> siblings, String name) {
        return siblings.stream().filter(c -> name(c).equals(name)).count() > 1;
    }

    private static String name(Element e) {
        String n = e.getNodeName();
        return n.startsWith("_") ? n.substring(1) : n;
    }
}
