package io.whmcsbridge.infra;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalInfraTest {

    @Test
    void defaultsEnvironmentAndFlags() {
        LocalInfra.Options d = LocalInfra.Options.parse(new String[0], Map.of());
        assertEquals(9092, d.kafkaPort());
        assertEquals(15432, d.pgPort());
        assertEquals(Path.of(".local-stack", "infra"), d.dataDir());
        assertEquals(List.of("whmcs_abuse", "whmcs_projects", "whmcs_billing", "whmcs_reseller"), d.databases());
        assertEquals(12, d.topics().size());
        assertTrue(d.topics().contains("whmcs.reseller.commands.dlq"));

        LocalInfra.Options o = LocalInfra.Options.parse(new String[] { "--kafka-port", "19092", "--pg-port=25432",
                "--databases", "abuse, billing", "--topics", "a,b", "--partitions", "6" },
                Map.of("LOCAL_INFRA_KAFKA_PORT", "1", "LOCAL_INFRA_DATA_DIR", "/x"));
        assertEquals(19092, o.kafkaPort());
        assertEquals(25432, o.pgPort());
        assertEquals(Path.of("/x"), o.dataDir());
        assertEquals(List.of("abuse", "billing"), o.databases());
        assertEquals(List.of("a", "b"), o.topics());
        assertEquals(6, o.partitions());
        assertThrows(IllegalArgumentException.class, () -> LocalInfra.Options.parse(new String[] { "--nope", "1" }, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> LocalInfra.Options.parse(new String[] { "--pg-port", "70000" }, Map.of()));
    }

    /** A second run on the same data directory finds the topics, databases and rows of the first. */
    @Test
    void runsTwiceOnTheSameData(@TempDir Path dir) throws Exception {
        LocalInfra.Options o = LocalInfra.Options.parse(new String[] { "--kafka-port", "0", "--pg-port", "0",
                "--data-dir", dir.toString(), "--databases", "whmcs_abuse,whmcs_billing", "--topics",
                "whmcs.abuse.commands,whmcs.abuse.results", "--partitions", "3" }, Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String url;
        try (LocalInfra.Running r = LocalInfra.start(LocalInfra.create(o), new PrintStream(out, true, StandardCharsets.UTF_8))) {
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("kafka " + r.kafka().bootstrapServers()), printed);
            assertTrue(printed.contains("postgres " + r.jdbcUrl("whmcs_billing") + " user=whmcs password=whmcs"), printed);
            assertTrue(printed.lines().anyMatch(l -> l.startsWith("READY")), printed);
            url = r.jdbcUrl("whmcs_abuse");
            try (Connection c = DriverManager.getConnection(url, "whmcs", "whmcs"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE kept (v text)");
                st.execute("INSERT INTO kept VALUES ('first run')");
            }
        }
        // again, with fresh free ports for Kafka: same storage, same controller port (read back from the data directory)
        try (LocalInfra.Running r = LocalInfra.start(LocalInfra.create(o), new PrintStream(new ByteArrayOutputStream(), true))) {
            try (Admin admin = Topics.admin(r.kafka().bootstrapServers())) {
                assertEquals(3, admin.describeTopics(List.of("whmcs.abuse.commands")).allTopicNames().get()
                        .get("whmcs.abuse.commands").partitions().size());
            }
            try (Connection c = DriverManager.getConnection(r.jdbcUrl("whmcs_abuse"), "whmcs", "whmcs");
                    Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
                assertTrue(rs.next());
                assertEquals("first run", rs.getString(1));
            }
        }
    }
}
