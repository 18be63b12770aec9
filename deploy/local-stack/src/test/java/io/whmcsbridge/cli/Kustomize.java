package io.whmcsbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * What {@code kubectl apply -k <dir>} applies, for the kustomize features this repository uses (kustomize itself is
 * not installed here): {@code resources} (files and directories), {@code components}, and {@code patches} with a
 * target (kind, label selector) and a JSON 6902 patch file of {@code add} operations. A kustomization with anything
 * else fails the rendering, so a check never sees less than what would be applied.
 */
final class Kustomize {
    private static final Set<String> KNOWN = Set.of("apiVersion", "kind", "resources", "components", "patches");

    private Kustomize() {
    }

    static List<JsonNode> render(Path dir) throws IOException {
        JsonNode k = kustomization(dir);
        List<JsonNode> docs = resources(dir, k);
        for (JsonNode c : k.path("components")) {
            Path p = dir.resolve(c.asText()).normalize();
            JsonNode component = kustomization(p);
            if (!"Component".equals(component.path("kind").asText())) {
                throw new AssertionError(p + " is listed as a component but is a " + component.path("kind").asText());
            }
            docs.addAll(resources(p, component));
            patch(p, component, docs);
        }
        patch(dir, k, docs);
        return docs;
    }

    private static JsonNode kustomization(Path dir) throws IOException {
        JsonNode k = DeploymentManifestsTest.YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        for (Iterator<String> f = k.fieldNames(); f.hasNext(); ) {
            String field = f.next();
            if (!KNOWN.contains(field)) {
                throw new AssertionError(dir + "/kustomization.yaml uses " + field + ", which Kustomize (the test renderer) "
                        + "does not know: teach it, or the checks would not see what kubectl applies");
            }
        }
        return k;
    }

    private static List<JsonNode> resources(Path dir, JsonNode k) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            docs.addAll(Files.isDirectory(p) ? render(p) : documents(p));
        }
        return docs;
    }

    /** The documents of one YAML file (several, separated by {@code ---}). */
    static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            DeploymentManifestsTest.YAML.readValues(parser, JsonNode.class).forEachRemaining(d -> {
                if (d != null && !d.isNull()) {
                    docs.add(d);
                }
            });
        }
        return docs;
    }

    private static void patch(Path dir, JsonNode kustomization, List<JsonNode> docs) throws IOException {
        for (JsonNode p : kustomization.path("patches")) {
            JsonNode ops = DeploymentManifestsTest.YAML.readTree(dir.resolve(p.path("path").asText()).toFile());
            int applied = 0;
            for (JsonNode doc : docs) {
                if (matches(p.path("target"), doc)) {
                    for (JsonNode op : ops) {
                        add(doc, op);
                    }
                    applied++;
                }
            }
            if (applied == 0) {
                throw new AssertionError(dir + ": the patch " + p + " applies to nothing");
            }
        }
    }

    private static boolean matches(JsonNode target, JsonNode doc) {
        if (!target.path("kind").asText().equals(doc.path("kind").asText())) {
            return false;
        }
        String selector = target.path("labelSelector").asText("");
        for (String term : selector.isEmpty() ? new String[0] : selector.split(",")) {
            String[] kv = term.split("=", 2);
            if (!kv[1].equals(doc.path("metadata").path("labels").path(kv[0]).asText(null))) {
                return false;
            }
        }
        return true;
    }

    /** A JSON 6902 {@code add}: sets a field, or appends to an array with the last token {@code -}. */
    private static void add(JsonNode doc, JsonNode op) {
        if (!"add".equals(op.path("op").asText())) {
            throw new AssertionError("Kustomize (the test renderer) applies only add operations: " + op);
        }
        String[] tokens = op.path("path").asText().substring(1).split("/");
        JsonNode at = doc;
        for (int i = 0; i < tokens.length - 1; i++) {
            at = at.isArray() ? at.get(Integer.parseInt(tokens[i])) : at.get(tokens[i]);
            if (at == null) {
                throw new AssertionError("the patch path " + op.path("path").asText() + " does not exist in "
                        + doc.path("metadata").path("name").asText());
            }
        }
        String last = tokens[tokens.length - 1];
        if (at.isArray() && "-".equals(last)) {
            ((ArrayNode) at).add(op.path("value").deepCopy());
        } else if (at.isObject()) {
            ((ObjectNode) at).set(last, op.path("value").deepCopy());
        } else {
            throw new AssertionError("cannot add at " + op.path("path").asText() + " in " + doc.path("metadata").path("name").asText());
        }
    }
}
