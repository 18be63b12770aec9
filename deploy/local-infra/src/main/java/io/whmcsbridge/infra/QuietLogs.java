package io.whmcsbridge.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server-side log categories (the broker, the controller, the Raft log, zonky's pg output) at WARN, or
 * {@code -Dwhmcs.infra.log.level}, on jboss-logmanager (the slf4j backend of Quarkus) and on java.util.logging; the
 * application's own configuration, applied later, wins.
 */
final class QuietLogs {
    private static final List<String> CATEGORIES = List.of("kafka", "state.change.logger",
            "org.apache.kafka.server", "org.apache.kafka.controller", "org.apache.kafka.raft",
            "org.apache.kafka.metadata", "org.apache.kafka.image", "org.apache.kafka.storage",
            "org.apache.kafka.coordinator", "org.apache.kafka.queue", "org.apache.kafka.snapshot",
            "org.apache.kafka.network", "org.apache.kafka.security", "org.apache.kafka.common.network",
            "org.apache.kafka.common.security", "org.apache.kafka.common.utils.AppInfoParser",
            "org.apache.kafka.clients.admin", "org.apache.kafka.common.metrics",
            "io.zonky.test.db.postgres");
    private static final List<Object> QUIETENED = new ArrayList<>(); // strong references: JUL holds loggers weakly

    private QuietLogs() {
    }

    /** Once per class loader. */
    static synchronized void quietServerLogs() {
        if (!QUIETENED.isEmpty()) {
            return;
        }
        Level level = level(System.getProperty("whmcs.infra.log.level", "WARN"));
        Object logContext = jbossLogContext();
        for (String category : CATEGORIES) {
            Logger jul = Logger.getLogger(category);
            jul.setLevel(level);
            QUIETENED.add(jul);
            if (logContext != null) {
                try {
                    Logger jboss = (Logger) logContext.getClass().getMethod("getLogger", String.class).invoke(logContext, category);
                    jboss.setLevel(level);
                    QUIETENED.add(jboss);
                } catch (ReflectiveOperationException | ClassCastException e) {
                    // keep going: logging is cosmetic
                }
            }
        }
    }

    /** jboss-logmanager's LogContext, reached reflectively: it is on the classpath of Quarkus tests only. */
    private static Object jbossLogContext() {
        try {
            Class<?> lc = Class.forName("org.jboss.logmanager.LogContext", true, QuietLogs.class.getClassLoader());
            return lc.getMethod("getLogContext").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null; // no jboss-logmanager: java.util.logging only
        }
    }

    static Level level(String name) {
        return switch (name.trim().toUpperCase()) {
            case "WARN", "WARNING" -> Level.WARNING;
            case "ERROR", "SEVERE" -> Level.SEVERE;
            case "INFO" -> Level.INFO;
            case "DEBUG", "FINE" -> Level.FINE;
            case "TRACE", "FINEST" -> Level.FINEST;
            case "OFF" -> Level.OFF;
            case "ALL" -> Level.ALL;
            default -> Level.WARNING;
        };
    }
}
