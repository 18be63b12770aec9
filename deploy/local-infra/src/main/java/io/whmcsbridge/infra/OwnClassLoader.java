package io.whmcsbridge.infra;

import java.util.function.Supplier;

/**
 * Runs an action with this library's class loader as the thread's context class loader: Kafka resolves its
 * class-typed settings through it, and the threads the broker starts inherit it. Without this, a broker started
 * from a Quarkus test would load half of its classes from the application's (later closed) class loader.
 */
final class OwnClassLoader {
    private OwnClassLoader() {
    }

    static <T> T run(Supplier<T> action) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(OwnClassLoader.class.getClassLoader());
        try {
            return action.get();
        } finally {
            t.setContextClassLoader(previous);
        }
    }
}
