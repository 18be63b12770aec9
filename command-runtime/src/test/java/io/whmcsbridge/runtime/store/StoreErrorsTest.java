package io.whmcsbridge.runtime.store;

import com.fasterxml.jackson.core.JsonGenerationException;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;

import static io.whmcsbridge.runtime.store.StoreErrors.Kind.DATA;
import static io.whmcsbridge.runtime.store.StoreErrors.Kind.OTHER;
import static io.whmcsbridge.runtime.store.StoreErrors.Kind.TRANSIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreErrorsTest {

    private static SQLException sql(String state, String message) {
        return new SQLException(message, state);
    }

    @Test
    void whatTheDataCausedIsNotTriedAgain() {
        assertEquals(DATA, StoreErrors.classify(sql("22003", "value overflows numeric format")));
        assertEquals(DATA, StoreErrors.classify(sql("22P02", "invalid input syntax for type json")));
        assertEquals(DATA, StoreErrors.classify(sql("22001", "value too long for type character varying(100)")));
        assertEquals(DATA, StoreErrors.classify(sql("23514", "new row violates check constraint \"x\"")));
        assertEquals(DATA, StoreErrors.classify(sql("23502", "null value in column \"type\"")));
        assertEquals(DATA, StoreErrors.classify(sql("42804", "column \"params\" is of type jsonb but expression is of type integer")));
        assertEquals(DATA, StoreErrors.classify(sql("54000", "total size of jsonb array elements exceeds the maximum")));
        assertEquals(DATA, StoreErrors.classify(new IllegalStateException("could not write the result",
                new JsonGenerationException("Split surrogate", (com.fasterxml.jackson.core.JsonGenerator) null))));
    }

    @Test
    void whatTheDatabaseCouldNotDoNowIsTriedAgain() {
        assertEquals(TRANSIENT, StoreErrors.classify(sql("08006", "An I/O error occurred while sending to the backend")));
        assertEquals(TRANSIENT, StoreErrors.classify(sql("40001", "could not serialize access")));
        assertEquals(TRANSIENT, StoreErrors.classify(sql("40P01", "deadlock detected")));
        assertEquals(TRANSIENT, StoreErrors.classify(sql("53300", "too many connections")));
        assertEquals(TRANSIENT, StoreErrors.classify(sql("57P01", "terminating connection due to administrator command")));
        assertEquals(TRANSIENT, StoreErrors.classify(sql("57014", "canceling statement due to statement timeout")));
        assertEquals(TRANSIENT, StoreErrors.classify(sql("55P03", "could not obtain lock")));
        // the command id's own key: another writer inserted the same new row first
        assertEquals(TRANSIENT, StoreErrors.classify(sql("23505",
                "duplicate key value violates unique constraint \"command_log_pkey\"")));
        assertEquals(TRANSIENT, StoreErrors.classify(new SQLException("Sorry, acquisition timeout!")));
        assertEquals(TRANSIENT, StoreErrors.classify(new SQLTimeoutException("did not commit within 60 s")));
        assertEquals(TRANSIENT, StoreErrors.classify(new UncheckedIOException(new SocketException("reset"))));
    }

    @Test
    void anythingElseIsTriedAgainWithinTheBound() {
        assertEquals(OTHER, StoreErrors.classify(sql("42P01", "relation \"outbox_event\" does not exist")));
        assertEquals(OTHER, StoreErrors.classify(sql("42501", "permission denied")));
        assertEquals(OTHER, StoreErrors.classify(new NullPointerException()));
        assertEquals(OTHER, StoreErrors.classify(new StackOverflowError()));
        // another unique key than the command id's is the data
        assertEquals(DATA, StoreErrors.classify(sql("23505", "duplicate key value violates unique constraint \"x\"")));
    }

    @Test
    void theStateIsFoundInsideWrappersAndChainedExceptions() {
        SQLException batch = new SQLException("Batch entry 0 was aborted");
        batch.setNextException(sql("22003", "value overflows numeric format"));
        assertEquals(DATA, StoreErrors.classify(new RuntimeException(batch)));
        assertEquals("SQLState 22003: value overflows numeric format", StoreErrors.describe(batch));
        assertEquals("SQLState 22003", StoreErrors.code(new RuntimeException(batch)));
    }

    @Test
    void aDescriptionIsCutAndCarriesNoControlCharacters() {
        String d = StoreErrors.describe(sql("22P02", "invalid input \u0000\n" + "x".repeat(1000)));
        assertTrue(d.length() <= 300, d);
        assertFalse(d.chars().anyMatch(c -> c < 0x20), d);
        assertTrue(d.startsWith("SQLState 22P02: invalid input \\u0000\\u000a"), d);
    }
}
