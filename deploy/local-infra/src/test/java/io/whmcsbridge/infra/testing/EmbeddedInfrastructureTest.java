package io.whmcsbridge.infra.testing;

import io.whmcsbridge.infra.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared embedded broker and database are real: records round-trip, SQL runs, and both survive a restart. */
class EmbeddedInfrastructureTest {
    final TestInfrastructure infra = TestInfrastructure.shared();

    @Test
    void oneInstancePerJvm() {
        assertSame(infra, TestInfrastructure.shared());
        assertEquals("embedded", infra.kind());
        assertNotNull(infra.embeddedKafka());
        assertNotNull(infra.embeddedPostgres());
        assertTrue(infra.kafkaBootstrapServers().startsWith("127.0.0.1:"));
        assertEquals(infra.embeddedPostgres().jdbcUrl(TestInfrastructure.DEFAULT_DATABASE), infra.jdbcUrl());
    }

    @Test
    void recordsRoundTripOnThreePartitionsAndAfterABrokerRestart() throws Exception {
        String topic = "t-" + UUID.randomUUID();
        infra.createTopics(3, topic);
        infra.createTopics(3, topic); // idempotent
        try (Admin admin = Topics.admin(infra.kafkaBootstrapServers())) {
            assertEquals(3, admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size());
        }
        String bootstrap = infra.kafkaBootstrapServers();
        List<Integer> partitions = Clients.produce(bootstrap, topic, "a", "b", "c", "d", "e", "f", "g", "h");
        assertTrue(new HashSet<>(partitions).size() > 1, "keys spread over the partitions: " + partitions);
        String group = "g-" + UUID.randomUUID();
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h"), Clients.consume(bootstrap, group, topic, 8).stream().sorted().toList());

        long t0 = System.nanoTime();
        infra.embeddedKafka().restart();
        System.out.println("Kafka restart took " + millisSince(t0) + " ms (start " + infra.embeddedKafka().lastStartMillis() + " ms)");
        assertEquals(bootstrap, infra.kafkaBootstrapServers(), "same port");

        Clients.produce(bootstrap, topic, "i");
        assertEquals(List.of("i"), Clients.consume(bootstrap, group, topic, 1), "the group resumes at its committed offsets");
        assertEquals(9, Clients.consume(bootstrap, "other-" + group, topic, 9).size(), "records before the restart are kept");
    }

    @Test
    void sqlRunsAndANewConnectionWorksAfterAPostgresRestart() throws Exception {
        String table = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = Clients.connect(infra, TestInfrastructure.DEFAULT_DATABASE); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, amount numeric(12,2), note text)");
            st.execute("INSERT INTO " + table + " VALUES (1, 10.10, 'ünïcode'), (2, 0.05, NULL)");
            try (ResultSet rs = st.executeQuery("SELECT sum(amount), max(note), version() FROM " + table)) {
                assertTrue(rs.next());
                assertEquals("10.15", rs.getBigDecimal(1).toPlainString());
                assertEquals("ünïcode", rs.getString(2));
                assertTrue(rs.getString(3).startsWith("PostgreSQL 16."), rs.getString(3));
            }
        }
        long t0 = System.nanoTime();
        infra.embeddedPostgres().restart();
        System.out.println("PostgreSQL restart took " + millisSince(t0) + " ms");
        try (Connection c = Clients.connect(infra, TestInfrastructure.DEFAULT_DATABASE); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT amount FROM " + table + " WHERE id = 1")) {
            assertTrue(rs.next(), "data survives the restart");
            assertEquals("10.10", rs.getBigDecimal(1).toPlainString());
        }
    }

    @Test
    void createsDatabasesIdempotently() throws Exception {
        String db = "db_" + UUID.randomUUID().toString().replace("-", "");
        infra.createDatabase(db);
        infra.createDatabase(db);
        try (Connection c = Clients.connect(infra, db); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_database()")) {
            assertTrue(rs.next());
            assertEquals(db, rs.getString(1));
        }
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
