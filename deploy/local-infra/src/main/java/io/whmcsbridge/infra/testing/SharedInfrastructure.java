package io.whmcsbridge.infra.testing;

import io.whmcsbridge.infra.AcrossClassLoaders;

import java.lang.reflect.InvocationTargetException;

/** Holds {@link TestInfrastructure#shared()}: see there why it lives in the system class loader. */
final class SharedInfrastructure {
    private static TestInfrastructure instance;

    private SharedInfrastructure() {
    }

    static synchronized TestInfrastructure get() {
        if (instance == null) {
            instance = create();
        }
        return instance;
    }

    private static TestInfrastructure create() {
        Object jvmWide = inSystemClassLoader();
        if (jvmWide != null) {
            return new BridgedTestInfrastructure(jvmWide);
        }
        TestInfrastructure infra = switch (TestInfrastructure.selectedKind()) {
            case "testcontainers" -> {
                requireTestcontainers();
                yield ContainerTestInfrastructure.start();
            }
            default -> EmbeddedTestInfrastructure.start();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                ((AutoCloseable) infra).close();
            } catch (Exception e) {
                System.err.println("stopping the test infrastructure: " + e);
            }
        }, "whmcs-test-infra-stop"));
        return infra;
    }

    /**
     * Testcontainers is an optional dependency of this library: a module that selects it declares it (the parent
     * pom's testcontainers profiles do, for the property or variable given to Maven). Checked before
     * {@link ContainerTestInfrastructure} is touched, so its absence reads as what to do, not a NoClassDefFoundError.
     */
    private static void requireTestcontainers() {
        for (String name : new String[] {"org.testcontainers.kafka.KafkaContainer", "org.testcontainers.containers.PostgreSQLContainer"}) {
            try {
                Class.forName(name, false, SharedInfrastructure.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException(TestInfrastructure.SELECTOR_PROPERTY + "=testcontainers, but " + name
                        + " is not on the test classpath: declare org.testcontainers:kafka and org.testcontainers:postgresql "
                        + "(test scope) in this module, or give -D" + TestInfrastructure.SELECTOR_PROPERTY
                        + "=testcontainers (or " + TestInfrastructure.SELECTOR_ENV + "=testcontainers) to Maven so the "
                        + "parent pom's testcontainers profile adds them");
            }
        }
    }

    /**
     * The system class loader's {@code TestInfrastructure.shared()} when this class comes from another loader that is
     * not delegating to it; null when this is the system class loader's copy, or when that loader cannot see this
     * library (then this class loader gets its own instance).
     */
    private static Object inSystemClassLoader() {
        if (Boolean.getBoolean("whmcs.test.infra.per-classloader")) {
            return null;
        }
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (SharedInfrastructure.class.getClassLoader() == system) {
            return null;
        }
        Class<?> there;
        try {
            there = Class.forName(TestInfrastructure.class.getName(), true, system);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        if (there == TestInfrastructure.class) {
            return null;
        }
        try {
            return there.getMethod("shared").invoke(null);
        } catch (InvocationTargetException e) {
            throw AcrossClassLoaders.unwrap(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the JVM-wide test infrastructure", e);
        }
    }
}
