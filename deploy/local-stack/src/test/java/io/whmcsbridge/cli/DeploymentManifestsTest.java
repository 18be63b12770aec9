package io.whmcsbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml and deploy/k8s checked against the services' real configuration, read at test time from their
 * application.properties and command-runtime's defaults: ports, consumer groups, topics, and which environment
 * variables each service reads, which of them are credentials (the values of {@code whmcs.instances.*.credentials.*})
 * and which have no default. A service that adds a credential, or renames one, fails this test until both
 * deployments set it. Neither deployment can be run here (no Docker engine, no cluster); this is what keeps them honest.
 */
class DeploymentManifestsTest {
    static final List<String> FAMILIES = Families.ALL;
    static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:([^}]*))?}");
    /** Read by the JVM or the container, not by Quarkus configuration. */
    static final Set<String> RUNTIME_ENV = Set.of("JAVA_OPTS", "MALLOC_ARENA_MAX");
    static final String RUNTIME_DEFAULTS = "command-runtime/src/main/resources/META-INF/microprofile-config.properties";
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

    /** What a service's configuration says, read from its files. */
    record ServiceConfig(String family, Properties properties, Set<String> envRefs, Set<String> noDefault,
            Set<String> credentials, Set<String> baseUrl) {
        int port() {
            return Integer.parseInt(properties.getProperty("quarkus.http.port"));
        }

        String resolve(String key) {
            return properties.getProperty(key).replace("${whmcs.family}", family);
        }

        /** Environment variables the service reads: ${NAME} references, and the env form of every configuration key. */
        Set<String> knownEnv() {
            Set<String> known = new HashSet<>(RUNTIME_ENV);
            known.addAll(envRefs);
            for (String key : properties.stringPropertyNames()) {
                String k = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
                known.add(k.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
            }
            return known;
        }

        boolean reads(String env) {
            // map-valued configuration: whmcs.ingress.api-keys.<name>
            return knownEnv().contains(env) || env.startsWith("WHMCS_INGRESS_API_KEYS_");
        }
    }

    ServiceConfig config(String family) throws IOException {
        Properties p = new Properties();
        String defaults = text(RUNTIME_DEFAULTS);
        String own = text(family + "-service/src/main/resources/application.properties");
        p.load(new StringReader(defaults));
        Properties service = new Properties();
        service.load(new StringReader(own));
        p.putAll(service);
        Set<String> refs = new TreeSet<>();
        Set<String> noDefault = new TreeSet<>();
        Set<String> credentials = new TreeSet<>();
        Set<String> baseUrl = new TreeSet<>();
        for (Properties source : List.of(p)) {
            for (String key : source.stringPropertyNames()) {
                Matcher m = ENV_REF.matcher(source.getProperty(key));
                while (m.find()) {
                    refs.add(m.group(1));
                    if (key.startsWith("%")) {
                        continue; // a dev or test profile's value
                    }
                    if (m.group(2) != null && m.group(3).isEmpty() && service.containsKey(key)) {
                        noDefault.add(m.group(1));
                    }
                    if (key.matches("whmcs\\.instances\\.[^.]+\\.credentials\\..+")) {
                        credentials.add(m.group(1));
                    }
                    if (key.matches("whmcs\\.instances\\.[^.]+\\.base-url")) {
                        baseUrl.add(m.group(1));
                    }
                }
            }
        }
        return new ServiceConfig(family, p, refs, noDefault, credentials, baseUrl);
    }

    @Test
    void theServicesConfigurationIsReadableHere() throws IOException {
        // guards the derivation itself: if these were empty, the checks below would pass vacuously
        for (String family : FAMILIES) {
            ServiceConfig c = config(family);
            assertFalse(c.credentials().isEmpty(), family + ": credentials found in " + family + "-service's configuration");
            assertEquals(1, c.baseUrl().size(), family + ": one base URL variable, " + c.baseUrl());
            assertTrue(c.port() > 0);
            assertTrue(c.knownEnv().containsAll(List.of("KAFKA_BOOTSTRAP_SERVERS", "WHMCS_DB_URL", "QUARKUS_HTTP_PORT")));
        }
    }

    static Map<String, String> composeEnv(JsonNode service) {
        Map<String, String> env = new HashMap<>();
        service.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    JsonNode compose() throws IOException {
        return YAML.readTree(root.resolve("docker-compose.yml").toFile());
    }

    @Test
    void composeRunsEveryServiceWithItsRealPortsVariablesAndDependencies() throws IOException {
        JsonNode services = compose().path("services");
        for (String infra : List.of("kafka", "postgres", "kafka-topics", "simulator")) {
            assertTrue(services.has(infra), infra);
        }
        Matcher kafkaVersion = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(text("pom.xml"));
        assertTrue(kafkaVersion.find(), "the root pom sets kafka.version");
        assertEquals("apache/kafka:" + kafkaVersion.group(1), services.path("kafka").path("image").asText(),
                "the broker image is the Kafka version of the clients and of the embedded broker");
        assertTrue(services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText().contains("controller"), "KRaft");
        assertEquals("[\"simulator\"]", services.path("simulator").path("profiles").toString(),
                "the simulator is a profile, so a real WHMCS can replace it");
        String init = text("deploy/compose/init-databases.sql");
        String topics = services.path("kafka-topics").path("command").toString();
        for (String family : FAMILIES) {
            ServiceConfig c = config(family);
            String name = family + "-service";
            JsonNode s = services.path(name);
            assertFalse(s.isMissingNode(), name);
            int port = c.port();
            assertTrue(s.path("ports").toString().contains(port + ":" + port), name + " port " + port);
            assertEquals(name, s.path("build").path("args").path("SERVICE").asText(), name + " image from its module");
            assertTrue(Files.isDirectory(root.resolve(name)));
            assertTrue(Files.exists(root.resolve(s.path("build").path("dockerfile").asText())), name + " Dockerfile");
            Map<String, String> env = composeEnv(s);
            for (String key : env.keySet()) {
                assertTrue(c.reads(key), name + " sets " + key + ", which the service does not read");
            }
            for (String key : union(c.noDefault(), c.credentials(), c.baseUrl())) {
                assertTrue(env.containsKey(key), name + " needs " + key + " (read by its configuration)");
            }
            for (String key : c.baseUrl()) {
                assertTrue(env.get(key).contains("http://simulator:8089"), name + ": by default the simulator, overridable: " + env.get(key));
                assertTrue(env.get(key).startsWith("${" + key + ":-"), name + ": a real WHMCS comes from the environment");
            }
            for (String key : c.credentials()) {
                assertTrue(env.get(key).startsWith("${" + key + ":?"), name + ": " + key + " comes from .env, with no default");
            }
            assertTrue(env.get("WHMCS_DB_PASSWORD").startsWith("${POSTGRES_PASSWORD:?"), name + ": the database password comes from .env");
            assertEquals(String.valueOf(port), env.get("QUARKUS_HTTP_PORT"));
            assertEquals("kafka:9092", env.get("KAFKA_BOOTSTRAP_SERVERS"));
            assertTrue(env.get("WHMCS_DB_URL").endsWith("/whmcs_" + family), env.get("WHMCS_DB_URL"));
            assertTrue(init.contains("CREATE DATABASE whmcs_" + family + " "), "a database for " + family);
            for (String dependency : List.of("kafka", "kafka-topics", "postgres")) {
                assertTrue(s.path("depends_on").has(dependency), name + " depends on " + dependency);
            }
            String health = s.path("healthcheck").path("test").toString();
            assertTrue(health.contains("/127.0.0.1/" + port) && health.contains("/q/health/ready"), name + " health check " + health);
            assertEquals("30s", s.path("stop_grace_period").asText(), name + " gets time to drain on stop");
            assertEquals("whmcs." + family + ".commands", c.resolve("mp.messaging.incoming.commands.topic"));
            assertEquals("whmcs." + family + ".commands.dlq", c.resolve("mp.messaging.incoming.commands.dead-letter-queue.topic"));
        }
        assertTrue(topics.contains("for f in abuse projects billing reseller") && topics.contains("for t in commands results commands.dlq")
                && topics.contains("--topic whmcs.$$f.$$t"), topics);
    }

    @Test
    void composePublishesOnLoopbackOnlyAndTakesEverySecretFromTheEnvFile() throws IOException {
        JsonNode services = compose().path("services");
        int published = 0;
        for (var it = services.fields(); it.hasNext(); ) {
            var service = it.next();
            for (JsonNode port : service.getValue().path("ports")) {
                assertTrue(port.asText().startsWith("127.0.0.1:"), service.getKey() + " publishes " + port.asText()
                        + " on every interface; bind it to 127.0.0.1");
                published++;
            }
            composeEnv(service.getValue()).forEach((key, value) -> {
                if (key.matches(".*(PASSWORD|SECRET|TOKEN|API_ID|IDENTIFIER|USERNAME).*")) {
                    assertTrue(value.matches("\\$\\{[A-Z0-9_]+:\\?[^}]*}"), service.getKey() + ": " + key
                            + " must come from .env with no default, not " + value);
                }
            });
        }
        assertTrue(published >= 7, "kafka, postgres, the simulator and four services publish ports: " + published);
        String example = text(".env.example");
        Matcher required = Pattern.compile("\\$\\{([A-Z0-9_]+):\\?").matcher(text("docker-compose.yml"));
        int variables = 0;
        while (required.find()) {
            assertTrue(Pattern.compile("(?m)^" + required.group(1) + "=.+$").matcher(example).find(),
                    ".env.example gives " + required.group(1));
            variables++;
        }
        assertTrue(variables >= 9, "POSTGRES_PASSWORD and every API credential are required variables: " + variables);
        assertTrue(Pattern.compile("(?m)^\\.env$").matcher(text(".gitignore")).find(), ".env is ignored by git");
        assertTrue(services.path("postgres").path("environment").path("POSTGRES_PASSWORD").asText().startsWith("${POSTGRES_PASSWORD:?"));
    }

    @SafeVarargs
    static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return all;
    }

    /** Every manifest under deploy/k8s (patches aside: Kustomize applies them), each with its {@code _file}. */
    List<JsonNode> k8sDocuments() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("deploy/k8s"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml") && !f.toString().endsWith(".patch.yaml")).sorted().toList()) {
                for (JsonNode d : Kustomize.documents(f)) {
                    ((ObjectNode) d).put("_file", root.relativize(f).toString());
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    static JsonNode find(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @Test
    void everyKubernetesDocumentParsesAndEveryKustomizationResourceExists() throws IOException {
        List<JsonNode> docs = k8sDocuments();
        assertTrue(docs.size() >= 4 * 5, "documents found: " + docs.size());
        for (JsonNode d : docs) {
            String where = d.path("_file").asText();
            assertFalse(d.path("kind").asText().isEmpty(), where + ": a kind");
            if (!Set.of("Kustomization", "Component").contains(d.path("kind").asText())) {
                assertFalse(d.path("metadata").path("name").asText().isEmpty(), where + ": a name");
            }
            Path dir = root.resolve(where).getParent();
            for (String list : List.of("resources", "components")) {
                for (JsonNode r : d.path(list)) {
                    assertTrue(Files.exists(dir.resolve(r.asText())), where + " lists " + r.asText());
                }
            }
            for (JsonNode patch : d.path("patches")) {
                assertTrue(Files.exists(dir.resolve(patch.path("path").asText())), where + " patches with " + patch);
            }
        }
    }

    @Test
    void kubernetesManifestsMatchTheServices() throws IOException {
        List<JsonNode> docs = k8sDocuments();
        JsonNode configMap = find(docs, "ConfigMap", "whmcs-bridge").path("data");
        JsonNode composeServices = compose().path("services");
        for (String family : FAMILIES) {
            ServiceConfig c = config(family);
            String name = family + "-service";
            int port = c.port();
            JsonNode pod = find(docs, "Deployment", name).path("spec").path("template").path("spec");
            JsonNode container = pod.path("containers").get(0);
            assertEquals(port, container.path("ports").get(0).path("containerPort").asInt(), name);
            Map<String, String> probes = Map.of("startupProbe", "/q/health/started", "livenessProbe", "/q/health/live",
                    "readinessProbe", "/q/health/ready");
            probes.forEach((probe, path) -> {
                assertEquals(path, container.path(probe).path("httpGet").path("path").asText(), name + " " + probe);
                assertEquals(port, container.path(probe).path("httpGet").path("port").asInt(), name + " " + probe);
            });
            assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), name + " runs as non-root");
            assertTrue(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean(), name + " read-only root");
            assertEquals("/tmp", container.path("volumeMounts").get(0).path("mountPath").asText(), name + " writable /tmp");
            assertTrue(pod.path("volumes").get(0).has("emptyDir"), name + " /tmp is an emptyDir");
            assertFalse(container.path("resources").path("limits").path("memory").isMissingNode(), name + " memory limit");
            assertFalse(container.path("resources").path("requests").path("cpu").isMissingNode(), name + " cpu request");
            Map<String, JsonNode> env = new HashMap<>();
            container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
            for (Map.Entry<String, JsonNode> e : env.entrySet()) {
                String key = e.getKey();
                assertTrue(c.reads(key), name + " sets " + key + ", which the service does not read");
                JsonNode mapRef = e.getValue().path("valueFrom").path("configMapKeyRef");
                if (!mapRef.isMissingNode()) {
                    assertTrue(configMap.has(mapRef.path("key").asText()), name + ": the ConfigMap has " + mapRef);
                }
            }
            for (String key : union(c.noDefault(), c.credentials(), c.baseUrl())) {
                assertTrue(env.containsKey(key), name + " needs " + key + " (read by its configuration)");
            }
            for (String key : union(c.credentials(), Set.of("WHMCS_DB_PASSWORD"))) {
                JsonNode ref = env.get(key).path("valueFrom").path("secretKeyRef");
                assertFalse(ref.isMissingNode(), name + ": " + key + " is a credential: it must come from a Secret");
                assertTrue(secretExample(ref.path("name").asText()).has(ref.path("key").asText()),
                        "secret.example.yaml has " + ref);
            }
            for (JsonNode e : env.values()) {
                JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                if (!ref.isMissingNode()) {
                    assertTrue(secretExample(ref.path("name").asText()).has(ref.path("key").asText()), "secret.example.yaml has " + ref);
                }
            }
            assertEquals(new TreeSet<>(composeEnv(composeServices.path(name)).keySet()), new TreeSet<>(env.keySet()),
                    name + ": docker-compose.yml and Kubernetes set the same variables");
            JsonNode svc = find(docs, "Service", name);
            assertEquals(port, svc.path("spec").path("ports").get(0).path("targetPort").asInt());
            assertEquals(port, Integer.parseInt(find(docs, "Deployment", name).path("spec").path("template").path("metadata")
                    .path("annotations").path("prometheus.io/port").asText()), name + " scrape port");
        }
    }

    JsonNode secretExample(String name) throws IOException {
        return find(Kustomize.documents(root.resolve("deploy/k8s/secret.example.yaml")), "Secret", name).path("stringData");
    }

    @Test
    void theAutoscalersWatchTheServicesConsumerGroupsAndStopAtThePartitionCount() throws IOException {
        List<JsonNode> docs = k8sDocuments();
        Matcher m = Pattern.compile("--partitions (\\d+)").matcher(compose().path("services").path("kafka-topics").path("command").toString());
        assertTrue(m.find(), "docker-compose.yml creates the topics with a partition count");
        int partitions = Integer.parseInt(m.group(1));
        for (String family : FAMILIES) {
            ServiceConfig c = config(family);
            String name = family + "-service";
            JsonNode scaled = find(docs, "ScaledObject", name);
            assertEquals(name, scaled.path("spec").path("scaleTargetRef").path("name").asText());
            JsonNode trigger = scaled.path("spec").path("triggers").get(0);
            assertEquals("kafka", trigger.path("type").asText());
            assertEquals(c.resolve("mp.messaging.incoming.commands.group.id"), trigger.path("metadata").path("consumerGroup").asText(),
                    "KEDA watches the service's consumer group");
            assertEquals(c.resolve("mp.messaging.incoming.commands.topic"), trigger.path("metadata").path("topic").asText());
            assertEquals(partitions, scaled.path("spec").path("maxReplicaCount").asInt(),
                    "at most one consumer per partition: more replicas than partitions would idle");
            JsonNode hpa = find(docs, "HorizontalPodAutoscaler", name);
            assertEquals(name, hpa.path("spec").path("scaleTargetRef").path("name").asText());
            assertEquals(partitions, hpa.path("spec").path("maxReplicas").asInt());
        }
    }

    /** An overlay as {@code kubectl apply -k} renders it. */
    List<JsonNode> overlay(String name) throws IOException {
        return Kustomize.render(root.resolve("deploy/k8s/overlays/" + name));
    }

    static JsonNode container(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    @Test
    void autoscaledDeploymentsLeaveTheReplicaCountToTheirOneAutoscaler() throws IOException {
        for (String overlay : List.of("hpa", "keda")) {
            List<JsonNode> docs = overlay(overlay);
            for (String family : FAMILIES) {
                String name = family + "-service";
                // a replica count in the manifest would scale the fleet back to it at every apply
                assertFalse(find(docs, "Deployment", name).path("spec").has("replicas"),
                        overlay + ": " + name + " sets replicas, which its autoscaler owns");
                long scalers = docs.stream().filter(d -> Set.of("HorizontalPodAutoscaler", "ScaledObject").contains(d.path("kind").asText())
                        && name.equals(d.path("spec").path("scaleTargetRef").path("name").asText())).count();
                assertEquals(1, scalers, overlay + ": one autoscaler for " + name);
            }
        }
    }

    @Test
    void everyServiceHasADisruptionBudgetThatLetsADrainThrough() throws IOException {
        List<JsonNode> docs = overlay("keda");
        List<JsonNode> deployments = docs.stream().filter(d -> "Deployment".equals(d.path("kind").asText())).toList();
        for (String family : FAMILIES) {
            String name = family + "-service";
            JsonNode pdb = find(docs, "PodDisruptionBudget", name).path("spec");
            JsonNode selector = pdb.path("selector").path("matchLabels");
            for (JsonNode d : deployments) {
                JsonNode labels = d.path("spec").path("template").path("metadata").path("labels");
                boolean selected = true;
                for (var it = selector.fields(); it.hasNext(); ) {
                    var l = it.next();
                    selected &= l.getValue().asText().equals(labels.path(l.getKey()).asText(null));
                }
                assertEquals(name.equals(d.path("metadata").path("name").asText()), selected,
                        "the budget " + name + " selects exactly the pods of " + name + " (checked against " + d.path("metadata").path("name").asText() + ")");
            }
            // minAvailable: 1 at the autoscaler's minimum of one replica would block every node drain for good
            assertFalse(pdb.has("minAvailable"), name + ": maxUnavailable, not minAvailable");
            assertTrue(pdb.path("maxUnavailable").asInt() >= 1, name + ": a drain may evict a replica");
        }
    }

    @Test
    void kedaTakesTheBrokersFromTheDeploymentsOwnEnvironment() throws IOException {
        Matcher kafkaEnv = ENV_REF.matcher(config("abuse").properties().getProperty("kafka.bootstrap.servers"));
        assertTrue(kafkaEnv.find(), "the services read the brokers from a variable");
        List<JsonNode> docs = overlay("keda");
        for (String family : FAMILIES) {
            String name = family + "-service";
            JsonNode trigger = find(docs, "ScaledObject", name).path("spec").path("triggers").get(0).path("metadata");
            assertFalse(trigger.has("bootstrapServers"), name + ": a literal broker list would be a second place to change");
            assertEquals(kafkaEnv.group(1), trigger.path("bootstrapServersFromEnv").asText(), name + ": the variable the service reads");
            JsonNode fromEnv = env(container(find(docs, "Deployment", name))).get(kafkaEnv.group(1));
            assertNotNull(fromEnv, name + "'s container sets " + kafkaEnv.group(1) + ", where KEDA reads it");
            assertEquals("kafka.bootstrap-servers", fromEnv.path("valueFrom").path("configMapKeyRef").path("key").asText(), name);
        }
    }

    /** KEDA's Kafka scaler: the parameters a TriggerAuthentication may give it, and its SASL modes. */
    static final Set<String> KEDA_KAFKA_AUTH = Set.of("sasl", "username", "password", "tls", "ca", "cert", "key", "keyPassword",
            "oauthTokenEndpointUri", "scopes", "oauthExtensions", "saslTokenProvider");
    static final Set<String> KEDA_SASL = Set.of("plaintext", "scram_sha256", "scram_sha512", "oauthbearer", "gssapi");

    @Test
    void kafkaWithSaslAndTlsTakesOneSecretForTheServicesAndKeda(@TempDir Path withSasl) throws IOException {
        List<JsonNode> example = Kustomize.documents(root.resolve("deploy/k8s/kafka-auth.example.yaml"));
        JsonNode secret = find(example, "Secret", "kafka-client").path("stringData");
        assertTrue(KEDA_SASL.contains(secret.path("sasl").asText()), "KEDA's SASL mode: " + secret.path("sasl"));
        assertEquals("enable", secret.path("tls").asText());
        JsonNode auth = find(example, "TriggerAuthentication", "kafka-client").path("spec").path("secretTargetRef");
        assertTrue(auth.size() >= 5, "sasl, username, password, tls, ca");
        for (JsonNode ref : auth) {
            assertTrue(KEDA_KAFKA_AUTH.contains(ref.path("parameter").asText()), "a parameter of KEDA's Kafka scaler: " + ref);
            assertTrue(secret.has(ref.path("key").asText()) && "kafka-client".equals(ref.path("name").asText()), "the Secret has " + ref);
        }

        // the keda overlay with the component, as an operator would apply it
        Files.writeString(withSasl.resolve("kustomization.yaml"), "resources:\n  - " + withSasl.relativize(root.resolve("deploy/k8s/overlays/keda"))
                + "\ncomponents:\n  - " + withSasl.relativize(root.resolve("deploy/k8s/components/kafka-sasl-tls")) + "\n");
        List<JsonNode> docs = Kustomize.render(withSasl);
        Set<String> clientConfigs = new HashSet<>(org.apache.kafka.clients.consumer.ConsumerConfig.configNames());
        clientConfigs.retainAll(org.apache.kafka.clients.producer.ProducerConfig.configNames());
        String saslMechanism = secret.path("sasl").asText().toUpperCase().replace("SCRAM_SHA", "SCRAM-SHA-");
        for (String family : FAMILIES) {
            String name = family + "-service";
            JsonNode container = container(find(docs, "Deployment", name));
            Map<String, JsonNode> env = env(container);
            assertEquals("SASL_SSL", env.get("KAFKA_SECURITY_PROTOCOL").path("value").asText(), name);
            assertEquals(saslMechanism, env.get("KAFKA_SASL_MECHANISM").path("value").asText(), name + ": the mechanism KEDA uses too");
            Set<String> expanded = new HashSet<>();
            for (JsonNode e : container.path("env")) {
                String var = e.path("name").asText();
                Matcher ref = Pattern.compile("\\$\\((\\w+)\\)").matcher(e.path("value").asText());
                while (ref.find()) {
                    assertTrue(expanded.contains(ref.group(1)), name + ": " + var + " uses $(" + ref.group(1) + "), defined before it");
                }
                JsonNode secretRef = e.path("valueFrom").path("secretKeyRef");
                if ("kafka-client".equals(secretRef.path("name").asText())) {
                    assertTrue(secret.has(secretRef.path("key").asText()), name + ": the Secret kafka-client has " + secretRef);
                }
                expanded.add(var);
                if (var.startsWith("KAFKA_")) {
                    // Quarkus hands KAFKA_<NAME> to every Kafka client of the service as <name>, underscores as dots
                    String property = var.substring("KAFKA_".length()).toLowerCase().replace('_', '.');
                    assertTrue(clientConfigs.contains(property), name + ": " + var + " is the Kafka client property " + property);
                }
            }
            assertTrue(env.get("KAFKA_SASL_JAAS_CONFIG").path("value").asText().contains("password=\"$(SASL_PASSWORD)\""),
                    name + ": the password comes from the Secret, not from the manifest");
            String truststore = env.get("KAFKA_SSL_TRUSTSTORE_LOCATION").path("value").asText();
            JsonNode mount = java.util.stream.StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
                    .filter(m -> truststore.startsWith(m.path("mountPath").asText() + "/")).findFirst().orElseThrow(
                            () -> new AssertionError(name + ": " + truststore + " is mounted"));
            JsonNode volume = java.util.stream.StreamSupport.stream(find(docs, "Deployment", name).path("spec").path("template")
                    .path("spec").path("volumes").spliterator(), false).filter(v -> v.path("name").equals(mount.path("name")))
                    .findFirst().orElseThrow();
            assertEquals("kafka-client", volume.path("secret").path("secretName").asText(), name + ": the CA from the same Secret");
            assertTrue(secret.has(volume.path("secret").path("items").get(0).path("key").asText()), name);
        }
    }

    @Test
    void eachDebeziumConnectorHasItsOwnSlotAndPublication() throws IOException {
        // the four databases may share one PostgreSQL server, whose replication slots are server-wide: two connectors
        // on the default slot name would fight over it and the second would fail
        Set<String> slots = new HashSet<>();
        Set<String> publications = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        for (String family : FAMILIES) {
            JsonNode conf = new ObjectMapper().readTree(root.resolve("deploy/debezium/whmcs-" + family + "-outbox.json").toFile())
                    .path("config");
            String slot = conf.path("slot.name").asText();
            String publication = conf.path("publication.name").asText();
            for (String id : List.of(slot, publication)) {
                // PostgreSQL folds unquoted names to lower case and allows 63 bytes; slot names allow only [a-z0-9_]
                assertTrue(id.matches("[a-z_][a-z0-9_]{0,62}") && id.contains(family), family + ": " + id);
            }
            assertTrue(slots.add(slot), "slot " + slot + " is used twice");
            assertTrue(publications.add(publication), "publication " + publication + " is used twice");
            assertTrue(prefixes.add(conf.path("topic.prefix").asText()), "topic.prefix " + conf.path("topic.prefix"));
            // only the outbox table in the publication, not every table of the database
            assertEquals("filtered", conf.path("publication.autocreate.mode").asText(), family);
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
        String migrations = "";
        try (Stream<Path> files = Files.list(root.resolve("command-runtime/src/main/resources/db/migration"))) {
            for (Path f : files.sorted().toList()) {
                migrations += Files.readString(f);
            }
        }
        assertTrue(migrations.contains("CREATE TABLE outbox_event ("), "the outbox table");
        for (String family : FAMILIES) {
            JsonNode conf = new ObjectMapper().readTree(root.resolve("deploy/debezium/whmcs-" + family + "-outbox.json").toFile())
                    .path("config");
            assertEquals("public.outbox_event", conf.path("table.include.list").asText());
            assertEquals("whmcs_" + family, conf.path("database.dbname").asText());
            for (String field : List.of("table.field.event.id", "table.field.event.key", "table.field.event.payload",
                    "table.field.event.type", "route.by.field")) {
                String column = conf.path("transforms.outbox." + field).asText();
                assertTrue(Pattern.compile("\\n\\s+" + column + "\\s").matcher(migrations).find(), column + " is an outbox column");
            }
        }
    }
}
