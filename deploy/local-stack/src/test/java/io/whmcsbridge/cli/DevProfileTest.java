package io.whmcsbridge.cli;

import io.whmcsbridge.infra.LocalInfra;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./mvnw -pl <family>-service quarkus:dev} talks to what {@code ./deploy/bridge stack} starts by default: the
 * services' {@code %dev} profile against the stack's own defaults (ports, database login, the ingress key), so that a
 * changed default on either side fails here instead of in a newcomer's first dev-mode session.
 */
class DevProfileTest {
    final DeploymentManifestsTest manifests = new DeploymentManifestsTest();
    final Stack stack = new Stack();
    final LocalInfra.Options infra = LocalInfra.Options.defaults();

    /** What dev mode reads for a key: its %dev value, else the plain one; the default of a ${VAR:default}. */
    static String dev(Properties p, String key) {
        String value = p.getProperty("%dev." + key, p.getProperty(key));
        // ${VAR:default}, where the default may hold a ${property} of its own
        return value.matches("\\$\\{[A-Z][A-Z0-9_]*:.*}") ? value.substring(value.indexOf(':') + 1, value.length() - 1) : value;
    }

    @Test
    void devModeTalksToTheStacksKafkaDatabaseAndSimulator() throws IOException {
        assertEquals(stack.kafkaPort, infra.kafkaPort(), "the stack's Kafka port");
        for (String family : DeploymentManifestsTest.FAMILIES) {
            Properties p = manifests.config(family).properties();
            assertEquals("127.0.0.1:" + stack.kafkaPort, dev(p, "kafka.bootstrap.servers"), family);
            String database = "whmcs_" + family;
            assertTrue(infra.databases().contains(database), "the stack creates " + database);
            assertEquals("jdbc:postgresql://127.0.0.1:" + stack.pgPort + "/" + database,
                    dev(p, "quarkus.datasource.jdbc.url").replace("${whmcs.family}", family), family);
            assertEquals(infra.dbUser(), dev(p, "quarkus.datasource.username"), family + ": the stack's database user");
            assertEquals(infra.dbPassword(), dev(p, "quarkus.datasource.password"), family + ": the stack's database password");
            assertEquals("http://127.0.0.1:" + stack.simulatorPort, dev(p, "whmcs.instances.default.base-url"), family + ": the simulator");
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith("whmcs.instances.default.credentials.")) {
                    // an empty credential stops the service at start (projects' password-md5 did: dev mode never came up)
                    assertFalse(dev(p, key).isEmpty(), family + ": dev mode has a value for " + key);
                }
            }
            // the service's usual port: with the stack's copy of the service running, dev mode cannot start (deploy/README)
            assertEquals(LocalStack.DEFAULT_PORTS.get(family), Integer.valueOf(dev(p, "quarkus.http.port")), family);
        }
    }

    @Test
    void devModeTakesTheStacksIngressKeyWithEveryScope() throws IOException {
        Properties p = manifests.config("abuse").properties();
        assertEquals(LocalStack.sha256(LocalStack.LOCAL_KEY), dev(p, "whmcs.ingress.api-keys.local.sha256"),
                "curl -H 'Authorization: Bearer " + LocalStack.LOCAL_KEY + "' works against dev mode as against the stack");
        assertEquals("*", dev(p, "whmcs.ingress.api-keys.local.types"));
        assertEquals("*", dev(p, "whmcs.ingress.api-keys.local.webhooks"));
        assertEquals("true", dev(p, "whmcs.ingress.api-keys.local.read-all"));
        assertEquals("true", dev(p, "whmcs.ingress.api-keys.local.admin"));
    }
}
