package io.whmcsbridge.infra;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Calls a public method of an object whose class comes from another class loader. Why reflection: Quarkus loads a
 * test's classes, this library's included, in a new class loader per application it starts, while the one broker and
 * database of the test JVM live in the system class loader ({@code io.whmcsbridge.infra.testing.TestInfrastructure});
 * the two copies of a class are different types, so only reflection over JDK-typed parameters and results can reach
 * the JVM-wide instance. Used by the test infrastructure's bridge and by the broker's and database's views of the
 * JVM-wide ones ({@code remote}); nothing else needs it.
 */
public final class AcrossClassLoaders {
    private static final Class<?>[] NONE = new Class<?>[0];

    private AcrossClassLoaders() {
    }

    public static Object call(Object target, String method, Class<?>[] types, Object... args) {
        try {
            Method m = target.getClass().getMethod(method, types);
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw unwrap(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call " + method + " on " + target.getClass().getName(), e);
        }
    }

    public static Object call(Object target, String method) {
        return call(target, method, NONE);
    }

    /** The exception the called method threw, unchecked. */
    public static RuntimeException unwrap(InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(cause);
    }
}
