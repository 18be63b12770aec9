package io.whmcsbridge.runtime.api;

import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiReplyTest {

    /** An answer that never ends: reading stops just past the cap, long before the memory runs out. */
    @Test
    void anEndlessAnswerIsReadOnlyUpToTheCap() {
        AtomicLong served = new AtomicLong();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served.incrementAndGet();
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                served.addAndGet(len);
                return len;
            }
        };
        AnswerTooLargeException e = assertThrows(AnswerTooLargeException.class, () -> ApiReply.read(endless, 200, 100_000));
        assertEquals(200, e.status());
        assertTrue(served.get() <= 100_000 + 8192, "read " + served.get());
        assertTrue(e.getMessage().contains("max-answer-bytes"), e.getMessage());
    }

    @Test
    void anAnswerWithinTheCapIsReadWhole() {
        ApiReply reply = ApiReply.of(Response.ok("{\"status\":\"success\"}", "application/json; charset=UTF-8").build(), 1024);
        assertEquals(200, reply.status());
        assertEquals("{\"status\":\"success\"}", reply.body());
        byte[] exact = "y".repeat(1024).getBytes(StandardCharsets.UTF_8);
        assertEquals(1024, ApiReply.of(Response.ok(exact).build(), 1024).body().length());
        assertThrows(AnswerTooLargeException.class,
                () -> ApiReply.of(Response.status(502).entity("z".repeat(1025)).build(), 1024));
    }
}
