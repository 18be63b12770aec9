package io.whmcsbridge.infra;

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
            case "testcontainers" -> ContainerTestInfrastructure.start();
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
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the JVM-wide test infrastructure", e);
        }
    }
}
