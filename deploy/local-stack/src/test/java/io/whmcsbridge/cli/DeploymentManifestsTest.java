package io.whmcsbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml and deploy/k8s checked against the services' real configuration (their application.properties
 * and command-runtime's defaults), so that a port, an environment variable or a consumer group cannot drift. Neither
 * can be run here (no Docker engine, no cluster); this is what keeps them honest.
 */
class DeploymentManifestsTest {
    static final List<String> FAMILIES = List.of("abuse", "projects", "billing", "reseller");
    static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:([^}]*))?}");
    /** Read by the JVM or the container, not by Quarkus configuration. */
    static final Set<String> RUNTIME_ENV = Set.of("JAVA_OPTS", "MALLOC_ARENA_MAX");
    static final ObjectMapper YAML = new YAMLMapper();
    final Path root = root();

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docker-compose.yml"))) {
            p = p.getParent();
        }
        assertNotNull(p, "docker-compose.yml not found above " + Path.of("").toAbsolutePath());
        return p;
    }

    String text(String relative) throws IOException {
        return Files.readString(root.resolve(relative));
    }

    Properties properties(String family) throws IOException {
        Properties p = new Properties();
        p.load(Files.newBufferedReader(root.resolve("command-runtime/src/main/resources/META-INF/microprofile-config.properties")));
        p.load(Files.newBufferedReader(root.resolve(family + "-service/src/main/resources/application.properties")));
        return p;
    }

    int port(String family) throws IOException {
        return Integer.parseInt(properties(family).getProperty("quarkus.http.port"));
    }

    /** Environment variables the service reads: ${NAME} references and the env form of its configuration keys. */
    Set<String> knownEnv(String family) throws IOException {
        Set<String> known = new HashSet<>(RUNTIME_ENV);
        for (String file : List.of("command-runtime/src/main/resources/META-INF/microprofile-config.properties",
                family + "-service/src/main/resources/application.properties")) {
            Matcher m = ENV_REF.matcher(text(file));
            while (m.find()) {
                known.add(m.group(1));
            }
        }
        for (String key : properties(family).stringPropertyNames()) {
            String k = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
            known.add(k.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
        }
        known.add("QUARKUS_HTTP_PORT");
        known.add("QUARKUS_LOG_CONSOLE_JSON");
        return known;
    }

    static boolean isKnown(Set<String> known, String env) {
        // map-valued configuration: whmcs.ingress.api-keys.<name>
        return known.contains(env) || env.startsWith("WHMCS_INGRESS_API_KEYS_");
    }

    /** Credentials without a default: a deployment must set them. */
    Set<String> requiredEnv(String family) throws IOException {
        Set<String> required = new HashSet<>();
        Matcher m = ENV_REF.matcher(text(family + "-service/src/main/resources/application.properties"));
        while (m.find()) {
            if (m.group(2) != null && m.group(3).isEmpty()) {
                required.add(m.group(1));
            }
        }
        return required;
    }

    @Test
    void composeRunsEveryServiceWithItsRealPortsVariablesAndDependencies() throws IOException {
        JsonNode compose = YAML.readTree(root.resolve("docker-compose.yml").toFile());
        JsonNode services = compose.path("services");
        for (String infra : List.of("kafka", "postgres", "kafka-topics", "simulator")) {
            assertTrue(services.has(infra), infra);
        }
        assertEquals("apache/kafka:4.0.0", services.path("kafka").path("image").asText());
        assertTrue(services.path("simulator").path("profiles").toString().contains("simulator"),
                "the simulator is a profile, so a real WHMCS can replace it");
        String init = text("deploy/compose/init-databases.sql");
        String topics = services.path("kafka-topics").path("command").toString();
        for (String family : FAMILIES) {
            JsonNode s = services.path(family + "-service");
            assertFalse(s.isMissingNode(), family + "-service");
            int port = port(family);
            assertTrue(s.path("ports").toString().contains(port + ":" + port), family + " port " + port);
            Map<String, String> env = new HashMap<>();
            s.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            Set<String> known = knownEnv(family);
            for (String key : env.keySet()) {
                assertTrue(isKnown(known, key), family + "-service sets " + key + ", which the service does not read");
            }
            for (String key : requiredEnv(family)) {
                assertTrue(env.containsKey(key), family + "-service needs " + key);
            }
            assertEquals(String.valueOf(port), env.get("QUARKUS_HTTP_PORT"));
            assertTrue(env.get("WHMCS_DB_URL").endsWith("/whmcs_" + family), env.get("WHMCS_DB_URL"));
            assertTrue(init.contains("CREATE DATABASE whmcs_" + family), "a database for " + family);
            assertTrue(s.path("depends_on").has("kafka") && s.path("depends_on").has("postgres"), family + " depends on");
            assertTrue(s.path("healthcheck").path("test").toString().contains(port + "/q/health/ready")
                    || s.path("healthcheck").path("test").toString().contains("/" + port), family + " health check");
        }
        assertTrue(topics.contains("abuse projects billing reseller") && topics.contains("commands results commands.dlq"), topics);
    }

    List<JsonNode> k8sDocuments() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("deploy/k8s"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                try (var parser = new YAMLFactory().createParser(f.toFile())) {
                    YAML.readValues(parser, JsonNode.class).forEachRemaining(d -> {
                        if (d != null && !d.isNull()) {
                            ((com.fasterxml.jackson.databind.node.ObjectNode) d).put("_file", root.relativize(f).toString());
                            docs.add(d);
                        }
                    });
                }
            }
        }
        return docs;
    }

    JsonNode find(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @Test
    void kubernetesManifestsMatchTheServices() throws IOException {
        List<JsonNode> docs = k8sDocuments();
        String secrets = text("deploy/k8s/secret.example.yaml");
        String base = text("deploy/k8s/base/kustomization.yaml");
        for (String family : FAMILIES) {
            String name = family + "-service";
            int port = port(family);
            assertTrue(base.contains(name + ".yaml"), "the kustomization lists " + name);
            JsonNode pod = find(docs, "Deployment", name).path("spec").path("template").path("spec");
            JsonNode c = pod.path("containers").get(0);
            assertEquals(port, c.path("ports").get(0).path("containerPort").asInt(), name);
            assertEquals("/q/health/live", c.path("livenessProbe").path("httpGet").path("path").asText());
            assertEquals("/q/health/ready", c.path("readinessProbe").path("httpGet").path("path").asText());
            assertEquals(port, c.path("readinessProbe").path("httpGet").path("port").asInt());
            assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), name + " runs as non-root");
            assertTrue(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean(), name + " read-only root");
            assertFalse(c.path("resources").path("limits").path("memory").isMissingNode(), name + " memory limit");
            Set<String> known = knownEnv(family);
            Set<String> names = new HashSet<>();
            for (JsonNode e : c.path("env")) {
                String env = e.path("name").asText();
                names.add(env);
                assertTrue(isKnown(known, env), name + " sets " + env + ", which the service does not read");
                JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                if (!ref.isMissingNode()) {
                    assertTrue(secrets.contains("name: " + ref.path("name").asText()) && secrets.contains(ref.path("key").asText() + ":"),
                            "secret.example.yaml has " + ref);
                }
                assertFalse(e.has("value") && env.matches(".*(PASSWORD|SECRET|TOKEN|API_ID).*"),
                        name + ": " + env + " must come from a Secret");
            }
            for (String key : requiredEnv(family)) {
                assertTrue(names.contains(key), name + " needs " + key);
            }
            JsonNode svc = find(docs, "Service", name);
            assertEquals(port, svc.path("spec").path("ports").get(0).path("targetPort").asInt());
            JsonNode scaled = find(docs, "ScaledObject", name);
            JsonNode trigger = scaled.path("spec").path("triggers").get(0).path("metadata");
            String group = properties(family).getProperty("mp.messaging.incoming.commands.group.id").replace("${whmcs.family}", family);
            assertEquals(group, trigger.path("consumerGroup").asText(), "KEDA watches the service's consumer group");
            assertEquals("whmcs." + family + ".commands", trigger.path("topic").asText());
            assertTrue(scaled.path("spec").path("maxReplicaCount").asInt() <= 12, "no more replicas than partitions");
            assertTrue(find(docs, "HorizontalPodAutoscaler", name).path("spec").path("maxReplicas").asInt() <= 12);
        }
    }

    @Test
    void theDashboardAndTheDebeziumConnectorsUseWhatTheServicesHave() throws IOException {
        String metrics = text("command-runtime/src/main/java/io/whmcsbridge/runtime/ops/BridgeMetrics.java");
        Matcher m = Pattern.compile("whmcs_[a-z_]+?(?=_bucket|_count|\\b)").matcher(text("deploy/grafana/whmcs-event-bridge.json"));
        int found = 0;
        while (m.find()) {
            assertTrue(metrics.contains("\"" + m.group() + "\""), "the dashboard's " + m.group() + " is a metric the services publish");
            found++;
        }
        assertTrue(found >= 5);
        String migration = text("command-runtime/src/main/resources/db/migration/V1__command_log_and_outbox.sql");
        for (String family : FAMILIES) {
            JsonNode conf = new ObjectMapper().readTree(root.resolve("deploy/debezium/whmcs-" + family + "-outbox.json").toFile()).path("config");
            assertEquals("public.outbox_event", conf.path("table.include.list").asText());
            assertEquals("whmcs_" + family, conf.path("database.dbname").asText());
            for (String field : List.of("table.field.event.id", "table.field.event.key", "table.field.event.payload",
                    "table.field.event.type", "route.by.field")) {
                String column = conf.path("transforms.outbox." + field).asText();
                assertTrue(migration.contains(column + " "), column + " is an outbox column");
            }
        }
    }
}
