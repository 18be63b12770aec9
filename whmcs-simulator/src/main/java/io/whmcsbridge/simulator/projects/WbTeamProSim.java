package io.whmcsbridge.simulator.projects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.whmcsbridge.simulator.core.SimContext;
import io.whmcsbridge.simulator.core.SimReply;
import io.whmcsbridge.simulator.core.SimRequest;
import io.whmcsbridge.simulator.core.SimulatedApi;
import io.whmcsbridge.simulator.core.SimulatorSettings;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * wbTeamPro's Remote API (docs/apis/wbteampro.md): {@value #BASE}{@code .php/v1/<resource>[/<id>[/<sub>]]/<json|xml>}
 * (also the rewritten {@code api/v1/...} and the direct {@code api.php?action=v1.projects.100.json}), {@code username}
 * and the MD5 of the password, the HTTP method or a {@code method} parameter, {@code params} as a JSON string. Answers
 * are the request/response envelope ({@code request.code}, {@code response.data} paging, the resource keys) in JSON or
 * XML. After 3 failed logins from one address, that address is banned (HTTP 403) until {@link #reset()}. Settings:
 * {@code projects.username} (default {@value #DEFAULT_USERNAME}), {@code projects.password} (default
 * {@value #DEFAULT_PASSWORD}).
 * <p>
 * Where the vendor is silent: scalars are strings in JSON (as PHP returns database rows) and text in XML, lists in
 * XML are elements with {@code type="array"} holding {@code <item>}s; errors carry their HTTP status in
 * {@code request.code} (400 missing field, 401 login failed, 403 banned, 404 not found, 405 method not allowed).
 * <p>Longer than 250 lines because it simulates one API: its routes, envelope and state.
 */
public final class WbTeamProSim implements SimulatedApi {
    public static final String NAME = "projects";
    public static final String BASE = "/modules/addons/wbteampro/api";
    public static final String DEFAULT_USERNAME = "apiadmin";
    public static final String DEFAULT_PASSWORD = "sim-wbteampro-pass";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Resource name to its id field and the single-record key. */
    private static final Map<String, String[]> RESOURCES = Map.of(
            "projects", new String[] { "project_id", "project" },
            "actions", new String[] { "action_id", "action" },
            "topics", new String[] { "topic_id", "topic" },
            "files", new String[] { "file_id", "file" },
            "whmcstickets", new String[] { "id", "whmcsticket" },
            "ticketxrefs", new String[] { "xref_id", "ticketxref" },
            "timelogs", new String[] { "timelog_id", "timelog" });
    private static final Set<String> WRITABLE = Set.of("projects", "actions", "topics", "files", "ticketxrefs", "timelogs");

    private final String username;
    private final String passwordMd5;
    private final Map<String, Map<Integer, ObjectNode>> tables = new HashMap<>();
    private final Map<String, Integer> failedLogins = new HashMap<>();
    private int nextId;

    public WbTeamProSim(SimulatorSettings settings) {
        this.username = settings.get("projects.username", DEFAULT_USERNAME);
        this.passwordMd5 = md5(settings.get("projects.password", DEFAULT_PASSWORD));
        reset();
    }

    public static String md5(String text) {
        try {
            return String.format("%032x", new BigInteger(1, MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void mount(Router router, SimContext context) {
        router.routeWithRegex(BASE + "(\\.php)?(/.*)?").handler(rc -> context.handle(rc, NAME, this::chainOf, r -> handle(r, context)));
    }

    @Override
    public synchronized void reset() {
        tables.clear();
        failedLogins.clear();
        RESOURCES.keySet().forEach(t -> tables.put(t, new LinkedHashMap<>()));
        nextId = 300;
        put("projects", row("project_id", 219, "title", "Website relaunch", "status", "Active", "client_id", "12345"));
        put("actions", row("action_id", 501, "project_id", "219", "title", "Design", "status", "Open"));
        put("topics", row("topic_id", 601, "project_id", "219", "action_id", "501", "thread_id", "601", "title", "Kick-off"));
        put("files", row("file_id", 701, "project_id", "219", "action_id", "501", "thread_id", "701", "filename", "brief.txt",
                "content", Base64.getEncoder().encodeToString("The brief.\n".getBytes(StandardCharsets.UTF_8))));
        put("files", row("file_id", 702, "project_id", "219", "action_id", "501", "thread_id", "701", "filename", "mockups.bin",
                "content", Base64.getEncoder().encodeToString(new byte[20_000])));
        put("whmcstickets", row("id", 2038, "tid", "483920", "project_id", "219", "action_id", "501", "subject", "Logo files"));
        put("ticketxrefs", row("xref_id", 91, "ticket_id", "2038", "project_id", "219", "action_id", "501"));
        put("timelogs", row("timelog_id", 801, "project_id", "219", "action_id", "501", "minutes", "90", "note", "workshop"));
    }

    /** The rows of a resource, as the API stores them. */
    public synchronized List<ObjectNode> rows(String resource) {
        return tables.get(resource).values().stream().map(ObjectNode::deepCopy).toList();
    }

    /** Logins refused so far from an address. */
    public synchronized int failedLogins(String address) {
        return failedLogins.getOrDefault(address, 0);
    }

    private void put(String table, ObjectNode row) {
        tables.get(table).put(row.get(RESOURCES.get(table)[0]).asInt(), row);
    }

    private static ObjectNode row(Object... kv) {
        ObjectNode n = JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            n.put((String) kv[i], String.valueOf(kv[i + 1]));
        }
        return n;
    }

    /** The resource chain: from the clean URL after {@code v1/}, or from {@code action=v1.a.b.json}. */
    private String chainOf(SimRequest r) {
        String path = r.path();
        int at = path.indexOf("/v1/");
        if (at >= 0) {
            return path.substring(at + 4).replace('/', '.');
        }
        String action = r.param("action");
        return action != null && action.startsWith("v1.") ? action.substring(3) : "";
    }

    private synchronized SimReply handle(SimRequest r, SimContext context) {
        List<String> chain = new ArrayList<>(Arrays.asList(chainOf(r).split("\\.")));
        String format = chain.isEmpty() ? "json" : chain.remove(chain.size() - 1);
        if (!format.equals("json") && !format.equals("xml")) {
            chain.add(format);
            format = "json";
        }
        String method = (r.param("method") != null ? r.param("method") : r.method()).toUpperCase();
        String action = String.join("/", chain);
        String ip = r.remoteIp();
        if (failedLogins.getOrDefault(ip, 0) >= 3) {
            return reply(format, action, method, 403, "IP address banned after 3 failed logins", null, true);
        }
        if (!username.equals(r.param("username")) || !passwordMd5.equalsIgnoreCase(String.valueOf(r.param("password")))) {
            failedLogins.merge(ip, 1, Integer::sum);
            return reply(format, action, method, 401, "Login failed", null, true);
        }
        ObjectNode params;
        try {
            JsonNode p = r.param("params") == null || r.param("params").isBlank() ? JSON.createObjectNode() : JSON.readTree(r.param("params"));
            if (!p.isObject()) {
                return reply(format, action, method, 400, "params must be a JSON object", null, false);
            }
            params = (ObjectNode) p;
        } catch (Exception e) {
            return reply(format, action, method, 400, "params is not valid JSON", null, false);
        }
        if (chain.size() == 2 && chain.get(0).equals("api") && chain.get(1).equals("resources")) {
            ObjectNode resp = JSON.createObjectNode();
            ArrayNode list = resp.putArray("resources");
            RESOURCES.keySet().stream().sorted().forEach(list::add);
            return reply(format, action, method, 200, "Success", resp, false);
        }
        if (chain.size() == 1 && chain.get(0).equals("config")) {
            String option = params.path("option").asText("");
            Map<String, String> config = Map.of("default_status", "Active", "time_increment", "15", "date_format", "Y-m-d");
            ObjectNode resp = JSON.createObjectNode();
            if (!option.isEmpty() && !config.containsKey(option)) {
                return reply(format, action, method, 404, "Config option not found", null, false);
            }
            ObjectNode cfg = resp.putObject("config");
            config.forEach((k, v) -> {
                if (option.isEmpty() || option.equals(k)) {
                    cfg.put(k, v);
                }
            });
            return reply(format, action, method, 200, "Success", resp, false);
        }
        if (chain.isEmpty() || !RESOURCES.containsKey(chain.get(0))) {
            return reply(format, action, method, 404, "Unknown resource", null, false);
        }
        String resource = chain.get(0);
        String[] meta = RESOURCES.get(resource);
        Map<Integer, ObjectNode> table = tables.get(resource);
        if (chain.size() == 1) {
            return switch (method) {
                case "GET" -> list(format, action, method, resource, params, table.values());
                case "POST" -> create(format, action, method, resource, meta, params, context);
                default -> reply(format, action, method, 405, "Method not allowed", null, false);
            };
        }
        if (chain.size() == 2 && chain.get(1).equals("bythread") && (resource.equals("topics") || resource.equals("files"))) {
            ObjectNode resp = paging(params, table.size());
            ObjectNode threads = resp.putObject("threads");
            table.values().forEach(row -> {
                ArrayNode t = threads.has(row.path("thread_id").asText()) ? (ArrayNode) threads.get(row.path("thread_id").asText())
                        : threads.putArray(row.path("thread_id").asText());
                t.add(stripContent(row));
            });
            return reply(format, action, method, 200, "Success", resp, false);
        }
        int id;
        try {
            id = Integer.parseInt(chain.get(1));
        } catch (NumberFormatException e) {
            return reply(format, action, method, 404, "Unknown resource", null, false);
        }
        ObjectNode record = table.get(id);
        if (record == null) {
            return reply(format, action, method, 404, "Record not found", null, false);
        }
        if (chain.size() == 2) {
            return switch (method) {
                case "GET" -> {
                    ObjectNode resp = JSON.createObjectNode();
                    resp.set(meta[1], stripContent(record));
                    yield reply(format, action, method, 200, "Success", resp, false);
                }
                case "PUT" -> {
                    if (!WRITABLE.contains(resource)) {
                        yield reply(format, action, method, 405, "Method not allowed", null, false);
                    }
                    params.fields().forEachRemaining(e -> {
                        if (!e.getKey().equals(meta[0])) {
                            record.put(e.getKey(), e.getValue().asText());
                        }
                    });
                    context.sideEffect(NAME, "update-" + meta[1], Integer.toString(id), r.flatParams());
                    ObjectNode resp = JSON.createObjectNode();
                    resp.set(meta[1], stripContent(record));
                    yield reply(format, action, method, 200, "Success", resp, false);
                }
                case "DELETE" -> {
                    if (!WRITABLE.contains(resource)) {
                        yield reply(format, action, method, 405, "Method not allowed", null, false);
                    }
                    table.remove(id);
                    context.sideEffect(NAME, "delete-" + meta[1], Integer.toString(id), r.flatParams());
                    yield reply(format, action, method, 200, "Success", JSON.createObjectNode().put("deleted", String.valueOf(id)), false);
                }
                default -> reply(format, action, method, 405, "Method not allowed", null, false);
            };
        }
        String sub = chain.get(2);
        if (resource.equals("files") && sub.equals("download") && method.equals("GET")) {
            ObjectNode resp = JSON.createObjectNode();
            resp.putObject("download").put("filename", record.path("filename").asText()).put("content", record.path("content").asText());
            return reply(format, action, method, 200, "Success", resp, false);
        }
        if (!method.equals("GET") || !Set.of("actions", "topics", "files", "whmcstickets", "timelogs").contains(sub)
                || !(resource.equals("projects") || resource.equals("actions")) || (resource.equals("actions") && sub.equals("actions"))) {
            return reply(format, action, method, 404, "Unknown resource", null, false);
        }
        // a combined request: the parent record and the sub-list
        String parentKey = meta[0];
        List<ObjectNode> children = tables.get(sub).values().stream()
                .filter(c -> String.valueOf(id).equals(c.path(parentKey).asText())).toList();
        params.put(parentKey, String.valueOf(id));
        ObjectNode resp = list(params, children, sub);
        resp.set(meta[1], stripContent(record));
        return reply(format, action, method, 200, "Success", resp, false);
    }

    private SimReply list(String format, String action, String method, String resource, ObjectNode params,
            java.util.Collection<ObjectNode> rows) {
        List<ObjectNode> matching = rows.stream().filter(row -> {
            for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!Set.of("page", "limit", "offset").contains(f.getKey()) && !f.getValue().asText().equals(row.path(f.getKey()).asText())) {
                    return false;
                }
            }
            return true;
        }).toList();
        return reply(format, action, method, 200, "Success", list(params, matching, resource), false);
    }

    private ObjectNode list(ObjectNode params, List<ObjectNode> rows, String key) {
        int limit = Math.max(1, params.path("limit").asInt(50));
        int page = Math.max(1, params.path("page").asInt(1));
        int offset = (page - 1) * limit;
        ObjectNode resp = paging(params, rows.size());
        resp.with("data").put("page", page).put("limit", limit).put("offset", offset)
                .put("pages", (rows.size() + limit - 1) / limit);
        ArrayNode list = resp.putArray(key);
        rows.stream().skip(offset).limit(limit).forEach(row -> list.add(stripContent(row)));
        return resp;
    }

    private static ObjectNode paging(ObjectNode params, int total) {
        ObjectNode resp = JSON.createObjectNode();
        ObjectNode data = resp.putObject("data").put("total", total).put("page", 1).put("pages", 1).put("limit", 50).put("offset", 0);
        ObjectNode filters = data.putObject("filters");
        params.fields().forEachRemaining(e -> {
            if (!Set.of("page", "limit", "offset").contains(e.getKey())) {
                filters.put(e.getKey(), e.getValue().asText());
            }
        });
        return resp;
    }

    private SimReply create(String format, String action, String method, String resource, String[] meta, ObjectNode params,
            SimContext context) {
        String required = switch (resource) {
            case "projects" -> "title";
            case "actions", "timelogs" -> "project_id";
            case "topics" -> "title";
            case "files" -> "filename";
            case "ticketxrefs" -> "ticket_id";
            default -> null;
        };
        if (required != null && params.path(required).asText("").isBlank()) {
            return reply(format, action, method, 400, "Missing required field: " + required, null, false);
        }
        if (!resource.equals("projects") && params.has("project_id") && !tables.get("projects").containsKey(params.path("project_id").asInt())) {
            return reply(format, action, method, 404, "Project not found", null, false);
        }
        int id = nextId++;
        ObjectNode row = JSON.createObjectNode().put(meta[0], String.valueOf(id));
        params.fields().forEachRemaining(e -> row.put(e.getKey(), e.getValue().asText()));
        if (resource.equals("topics") || resource.equals("files")) {
            row.put("thread_id", row.path("thread_id").asText(String.valueOf(id)));
        }
        tables.get(resource).put(id, row);
        context.sideEffect(NAME, "create-" + meta[1], String.valueOf(id), Map.of("params", params.toString()));
        ObjectNode resp = JSON.createObjectNode();
        resp.set(meta[1], stripContent(row));
        return reply(format, action, method, 200, "Success", resp, false);
    }

    private static ObjectNode stripContent(ObjectNode row) {
        ObjectNode copy = row.deepCopy();
        copy.remove("content");
        return copy;
    }

    private static SimReply reply(String format, String action, String method, int code, String message, ObjectNode response,
            boolean authFailed) {
        ObjectNode env = JSON.createObjectNode();
        env.putObject("request").put("action", action).put("method", method).put("format", format)
                .put("code", code).put("message", message);
        env.set("response", response == null ? JSON.createObjectNode() : response);
        String body = format.equals("xml") ? toXml(env) : env.toString();
        String type = format.equals("xml") ? "application/xml" : "application/json";
        if (authFailed) {
            return SimReply.authError(code, type, body);
        }
        return code == 200 ? new SimReply(200, type, body, "OK", false) : SimReply.apiError(code, type, body);
    }

    static String toXml(ObjectNode env) {
        StringBuilder s = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wbteampro>");
        env.fields().forEachRemaining(e -> xml(s, e.getKey(), e.getValue()));
        return s.append("</wbteampro>").toString();
    }

    private static void xml(StringBuilder s, String name, JsonNode v) {
        String tag = name.matches("[A-Za-z_][A-Za-z0-9_.-]*") ? name : "_" + name;
        if (v.isObject()) {
            s.append('<').append(tag).append('>');
            v.fields().forEachRemaining(e -> xml(s, e.getKey(), e.getValue()));
            s.append("</").append(tag).append('>');
        } else if (v.isArray()) {
            s.append('<').append(tag).append(" type=\"array\">");
            v.forEach(item -> xml(s, "item", item));
            s.append("</").append(tag).append('>');
        } else {
            s.append('<').append(tag).append('>').append(escape(v.asText())).append("</").append(tag).append('>');
        }
    }

    private static String escape(String t) {
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
