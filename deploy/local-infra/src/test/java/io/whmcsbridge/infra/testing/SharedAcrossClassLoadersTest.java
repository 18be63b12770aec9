package io.whmcsbridge.infra.testing;

import io.whmcsbridge.infra.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a Quarkus test sees: this library's classes loaded again by another class loader (Quarkus makes one per
 * application, so per test profile). {@link TestInfrastructure#shared()} there must be the JVM's one instance.
 */
class SharedAcrossClassLoadersTest {

    /** Loads io.whmcsbridge.infra.* itself (child first), everything else from the system class loader. */
    static final class LibraryAgainLoader extends ClassLoader {
        LibraryAgainLoader() {
            super("library-again", ClassLoader.getSystemClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (!name.startsWith("io.whmcsbridge.infra.")) {
                    return super.loadClass(name, resolve);
                }
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] b = in.readAllBytes();
                        c = defineClass(name, b, 0, b.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    @Test
    void anotherClassLoaderGetsAViewOfTheSameInstance() throws Exception {
        assumeTrue(TestInfrastructure.class.getClassLoader() == ClassLoader.getSystemClassLoader(),
                "Surefire puts the test classpath on the system class loader");
        TestInfrastructure infra = TestInfrastructure.shared();

        ClassLoader other = new LibraryAgainLoader();
        Class<?> otherApi = other.loadClass(TestInfrastructure.class.getName());
        assertNotSame(TestInfrastructure.class, otherApi);
        Object view = otherApi.getMethod("shared").invoke(null);
        assertEquals(infra.kafkaBootstrapServers(), otherApi.getMethod("kafkaBootstrapServers").invoke(view));
        assertEquals(infra.jdbcUrl(), otherApi.getMethod("jdbcUrl").invoke(view));
        assertEquals("embedded", otherApi.getMethod("kind").invoke(view));
        assertTrue(view == otherApi.getMethod("shared").invoke(null), "one view per class loader");

        // topics and databases made through the view exist on the JVM-wide servers
        String topic = "view-" + UUID.randomUUID();
        otherApi.getMethod("createTopics", int.class, String[].class).invoke(view, 2, new String[] { topic });
        try (Admin admin = Topics.admin(infra.kafkaBootstrapServers())) {
            assertTrue(admin.listTopics().names().get().contains(topic));
        }

        // the embedded servers, as the other loader's classes: stop and restart them through it
        Object kafka = otherApi.getMethod("embeddedKafka").invoke(view);
        Object postgres = otherApi.getMethod("embeddedPostgres").invoke(view);
        assertEquals(other, kafka.getClass().getClassLoader());
        assertEquals(infra.embeddedKafka().port(), call(kafka, "port"));
        assertEquals(true, call(kafka, "isRunning"));
        call(postgres, "stop");
        assertTrue(!infra.embeddedPostgres().isRunning(), "stopped the JVM-wide server");
        call(postgres, "start");
        try (Connection c = Clients.connect(infra, TestInfrastructure.DEFAULT_DATABASE); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
        }
    }

    @Test
    void theQuarkusTestResourceOfAnotherClassLoaderReturnsTheSharedEndpoints() throws Exception {
        assumeTrue(TestInfrastructure.class.getClassLoader() == ClassLoader.getSystemClassLoader());
        TestInfrastructure infra = TestInfrastructure.shared();
        ClassLoader other = new LibraryAgainLoader();
        QuarkusTestResourceLifecycleManager resource = (QuarkusTestResourceLifecycleManager) other
                .loadClass("io.whmcsbridge.infra.testing.InfraTestResource").getDeclaredConstructor().newInstance();
        String db = "q_" + UUID.randomUUID().toString().replace("-", "");
        resource.init(Map.of("database", db, "topics", "q1-" + db + ", q2-" + db, "partitions", "3"));
        Map<String, String> config = resource.start();
        assertEquals(Map.of("kafka.bootstrap.servers", infra.kafkaBootstrapServers(),
                "quarkus.datasource.jdbc.url", infra.jdbcUrl(db),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres"), config);
        try (Connection c = Clients.connect(infra, db)) {
            assertTrue(c.isValid(5));
        }
        try (Admin admin = Topics.admin(infra.kafkaBootstrapServers())) {
            assertEquals(3, admin.describeTopics(java.util.List.of("q2-" + db)).allTopicNames().get().get("q2-" + db).partitions().size());
        }
        resource.stop();
        assertTrue(infra.embeddedKafka().isRunning(), "stop() leaves the shared infrastructure up");
    }

    private static Object call(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        return m.invoke(target);
    }
}
