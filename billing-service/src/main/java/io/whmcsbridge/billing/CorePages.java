package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.api.ApiOutcome;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.Iterator;
import java.util.Map;

/** Every page of a core API list action, collected into one answer (a command's {@code all_pages}). */
final class CorePages {

    private CorePages() {
    }

    /**
     * {@code limitstart} advances by what each page returned until {@code totalresults} are in or {@code maxPages}
     * were read. The result is the first page's answer with the list holding every record, {@code numreturned} the
     * records collected, {@code startnumber} where the collection began, {@code totalresults} as WHMCS reported it,
     * plus {@code pages} and {@code truncated}. A page that is not a success ends the collection with its outcome.
     */
    static ApiOutcome collect(WhmcsCoreApi api, MultivaluedMap<String, String> form, int maxPages, boolean idempotent,
            long maxBytes) {
        int start = form.containsKey("limitstart") ? Integer.parseInt(form.getFirst("limitstart")) : 0;
        if (!form.containsKey("limitnum")) {
            form.putSingle("limitnum", "100");
        }
        ObjectNode first = null;
        ArrayNode all = Json.MAPPER.createArrayNode();
        int total = 0;
        int pages = 0;
        int next = start;
        boolean truncated = false;
        while (true) {
            form.putSingle("limitstart", Integer.toString(next));
            ApiOutcome page = WhmcsCoreGateway.call(api, form, idempotent, maxBytes);
            if (!(page instanceof ApiOutcome.Success ok)) {
                return page;
            }
            pages++;
            ObjectNode body = (ObjectNode) ok.response();
            if (first == null) {
                first = body;
                total = body.path("totalresults").asInt(0);
            }
            ArrayNode items = listOf(body);
            int returned = body.path("numreturned").asInt(items == null ? 0 : items.size());
            if (items != null) {
                all.addAll(items);
            }
            next += returned;
            if (returned == 0 || next - start >= total - start || next >= total) {
                break;
            }
            if (pages >= maxPages) {
                truncated = true;
                break;
            }
        }
        ArrayNode firstList = listOf(first);
        if (firstList != null) {
            firstList.removeAll();
            firstList.addAll(all);
        }
        first.put("startnumber", start).put("numreturned", all.size()).put("totalresults", total)
                .put("pages", pages).put("truncated", truncated);
        return new ApiOutcome.Success(first);
    }

    /** WHMCS nests lists twice ({@code "invoices": {"invoice": [...]}}): the one array under an object field. */
    private static ArrayNode listOf(ObjectNode body) {
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            JsonNode v = it.next().getValue();
            if (v.isObject() && v.size() == 1 && v.elements().next().isArray()) {
                return (ArrayNode) v.elements().next();
            }
        }
        return null;
    }
}
