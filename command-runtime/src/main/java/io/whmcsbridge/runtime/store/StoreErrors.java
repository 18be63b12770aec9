package io.whmcsbridge.runtime.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.whmcsbridge.model.SafeText;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * What a failure of database work means for the command whose work it was: whether trying again can help.
 * <ul>
 * <li>{@link Kind#DATA}: the database refused what this command asked it to store (SQLState class 22 data exception,
 * class 23 integrity violation other than the command id's own key conflict, 54 program limit, and the class 42 states
 * a value can cause: datatype mismatch, cannot coerce, name too long...), or the command's result could not be written
 * as JSON at all. The same work fails the same way every time: it is not tried again.</li>
 * <li>{@link Kind#TRANSIENT}: the database (or the way to it) could not do the work now: class 08 connection, 40
 * transaction rollback (40001 serialization, 40P01 deadlock), 53 insufficient resources, 57 operator intervention
 * (57P01 admin shutdown, 57014 statement timeout), 55P03 lock not available, 58 system error, timeouts, a pool that
 * gave no connection in time, I/O errors. Tried again after a backoff.</li>
 * <li>{@link Kind#OTHER}: anything else (a missing table, a programming error, an {@link Error}): tried again, as a
 * bound of tries applies to it anyway.</li>
 * </ul>
 */
public final class StoreErrors {
    public enum Kind { DATA, TRANSIENT, OTHER }

    /** The class 42 states that a value (rather than the schema or the statement's text) can cause. */
    private static final Set<String> DATA_MADE_INVALID = Set.of("42804", "42846", "42P18", "42P21", "42P22", "42622",
            "42939", "428C9");

    private StoreErrors() {
    }

    public static Kind classify(Throwable error) {
        SQLException sql = firstSql(error);
        String state = sql == null ? null : sql.getSQLState();
        if (state != null && state.length() == 5) {
            return classify(state, sql.getMessage());
        }
        List<Throwable> chain = chain(error);
        for (Throwable t : chain) {
            if (t instanceof JsonProcessingException) {
                return Kind.DATA;
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException || t instanceof SQLTimeoutException
                    || t instanceof TimeoutException || t instanceof IOException) {
                return Kind.TRANSIENT;
            }
        }
        // An SQLException without a state comes from the pool or the driver, not from the server's verdict on the
        // data (Agroal: "acquisition timeout"); the server always gives one.
        return sql != null ? Kind.TRANSIENT : Kind.OTHER;
    }

    static Kind classify(String state, String message) {
        String cls = state.substring(0, 2);
        switch (cls) {
            case "08", "40", "53", "57", "58":
                return Kind.TRANSIENT;
            case "22", "54":
                return Kind.DATA;
            case "23":
                // The command id's own key: two writers raced for the same new row; the retry finds the row.
                return state.equals("23505") && message != null && message.contains("command_log_pkey")
                        ? Kind.TRANSIENT : Kind.DATA;
            case "42":
                return DATA_MADE_INVALID.contains(state) ? Kind.DATA : Kind.OTHER;
            case "55":
                return state.equals("55P03") ? Kind.TRANSIENT : Kind.OTHER;
            default:
                return Kind.OTHER;
        }
    }

    /**
     * The failure in a few words, for a result, a log line or a DLQ header: the SQLState and the database's message
     * (which may quote the refused value, so it is cut and its control characters escaped).
     */
    public static String describe(Throwable error) {
        SQLException sql = firstSql(error);
        Throwable t = sql != null ? sql : root(error);
        String message = t.getMessage() == null ? "" : t.getMessage().strip();
        String head = sql != null && sql.getSQLState() != null ? "SQLState " + sql.getSQLState()
                : t.getClass().getSimpleName();
        String text = SafeText.escape(message.isEmpty() ? head : head + ": " + message, 300);
        return text.length() <= 300 ? text : text.substring(0, 300); // escapes make it longer
    }

    /** Only the SQLState (or the exception's class): what is said where the database's own text may not go. */
    public static String code(Throwable error) {
        SQLException sql = firstSql(error);
        return sql != null && sql.getSQLState() != null ? "SQLState " + sql.getSQLState()
                : root(error).getClass().getSimpleName();
    }

    private static SQLException firstSql(Throwable error) {
        SQLException withoutState = null;
        for (Throwable t : chain(error)) {
            if (t instanceof SQLException s) {
                SQLException e = s;
                for (int i = 0; i < 10 && e != null; i++, e = e.getNextException()) {
                    if (e.getSQLState() != null) {
                        return e;
                    }
                }
                if (withoutState == null) {
                    withoutState = s;
                }
            }
        }
        return withoutState;
    }

    private static Throwable root(Throwable error) {
        List<Throwable> chain = chain(error);
        return chain.get(chain.size() - 1);
    }

    /** The exception and its causes, at most 20 (a cause chain may loop). */
    private static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && chain.size() < 20 && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
