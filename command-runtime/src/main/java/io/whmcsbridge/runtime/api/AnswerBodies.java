package io.whmcsbridge.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.Json;

import java.io.IOException;

/**
 * An answer's body as a tree, for the gateways to read in the API's own terms. {@code null} means "not this format":
 * the gateway then decides with {@link ApiReply#unreadable(String)}. Parsed once per answer, as before.
 */
public final class AnswerBodies {

    private AnswerBodies() {
    }

    /** The JSON tree of {@code body}, or {@code null} when it is blank or not JSON. */
    public static JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * For APIs that answer in JSON or XML (the WHMCS core API, wbTeamPro): an XML body read into the same JSON shape
     * ({@link XmlAnswers}), anything else as {@link #json(String)}.
     */
    public static JsonNode jsonOrXml(String body) {
        return XmlAnswers.isXml(body) ? XmlAnswers.read(body) : json(body);
    }
}
