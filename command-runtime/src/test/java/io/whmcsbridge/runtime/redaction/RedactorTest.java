package io.whmcsbridge.runtime.redaction;

import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.Param;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactorTest {
    final Redactor redactor = Redactor.of(Set.of("API_ID"), List.of("s3cr3t-token-value"));

    @Test
    void secretNamedFieldsAreMaskedAtAnyDepth() throws Exception {
        var node = Json.MAPPER.readTree("{\"clients\":[{\"client\":1,\"password\":\"hunter2\"}],\"api-password\":\"x\",\"Token\":\"t\"}");
        String out = redactor.redact(node).toString();
        assertFalse(out.contains("hunter2"), out);
        assertEquals("{\"clients\":[{\"client\":1,\"password\":\"[REDACTED]\"}],\"api-password\":\"[REDACTED]\",\"Token\":\"[REDACTED]\"}", out);
    }

    @Test
    void configuredSecretValuesAndSecretFieldsAreMaskedInRawText() {
        String raw = "error for token s3cr3t-token-value; body {\"password\": \"pw1\"} <api_password>pw2</api_password> url?api_password=pw3&x=1";
        String out = redactor.redactText(raw);
        for (String s : List.of("s3cr3t-token-value", "pw1", "pw2", "pw3")) {
            assertFalse(out.contains(s), s + " leaked: " + out);
        }
        assertTrue(out.contains("x=1"), out);
    }

    static final ActionSpec RESET = ActionSpec.builder("whmcs.test.reset_password", "reset_password")
            .params(Param.email("email"), Param.string("code").maxLength(20)).secretParams("code").build();
    static final ActionSpec CANCEL = ActionSpec.builder("whmcs.test.cancel", "cancel")
            .params(Param.string("code").maxLength(3)).build();

    @Test
    void anActionsOwnSecretNamesAreMaskedInItsParamsAndResultsOnly() throws Exception {
        var params = Json.MAPPER.readTree("{\"email\":\"a@example.org\",\"code\":\"482913\",\"nested\":{\"Code\":482913}}");
        String masked = redactor.redact(params, RESET).toString();
        assertFalse(masked.contains("482913"), masked);
        assertEquals("{\"email\":\"a@example.org\",\"code\":\"[REDACTED]\",\"nested\":{\"Code\":\"[REDACTED]\"}}", masked);
        assertTrue(redactor.isSecretName("code", RESET));

        // the same name elsewhere is data: a currency, an error code
        var currency = Json.MAPPER.readTree("{\"code\":\"USD\",\"password\":\"pw\"}");
        assertEquals("{\"code\":\"USD\",\"password\":\"[REDACTED]\"}", redactor.redact(currency, CANCEL).toString());
        assertEquals("{\"code\":\"USD\",\"password\":\"[REDACTED]\"}", redactor.redact(currency).toString());
        assertEquals("{\"code\":\"USD\",\"password\":\"[REDACTED]\"}", redactor.redact(currency, null).toString());
        assertFalse(redactor.isSecretName("code"));
        assertFalse(redactor.isSecretName("code", CANCEL));
    }

    @Test
    void anActionsOwnSecretNamesAreMaskedInItsRawTexts() {
        String raw = "{\"code\": \"482913\"} <code>482914</code> action=reset_password&code=482915&x=1 s3cr3t-token-value";
        String out = redactor.redactText(raw, RESET);
        for (String s : List.of("482913", "482914", "482915", "s3cr3t-token-value")) {
            assertFalse(out.contains(s), s + " leaked: " + out);
        }
        assertTrue(out.contains("x=1"), out);
        String other = redactor.redactText("{\"code\": \"USD\"} code=EUR s3cr3t-token-value", CANCEL);
        assertEquals("{\"code\": \"USD\"} code=EUR [REDACTED]", other);
        assertEquals(other, redactor.redactText("{\"code\": \"USD\"} code=EUR s3cr3t-token-value"));
    }

    @Test
    void aLongSecretValueIsMaskedWithoutExhaustingTheStack() throws Exception {
        Redactor redactor = Redactor.of(Set.of(), List.of());
        String plain = "\"token\":\"" + "x".repeat(200_000) + "\"";
        String escaped = "\"token\":\"" + "\\\\a".repeat(100_000) + "\"";
        String unterminated = "note: \"password\":\"" + "ab".repeat(100_000);
        String[] out = new String[3];
        Throwable[] failure = new Throwable[1];
        // a small stack, as a worker thread may have: the old pattern recursed once per character
        Thread t = new Thread(null, () -> {
            try {
                out[0] = redactor.redactText(plain);
                out[1] = redactor.redactText(escaped);
                out[2] = redactor.redactText(unterminated);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "small-stack", 256 * 1024);
        t.start();
        t.join(10_000);
        assertEquals(null, failure[0], "no StackOverflowError");
        assertEquals("\"token\":\"[REDACTED]\"", out[0]);
        assertEquals("\"token\":\"[REDACTED]\"", out[1]);
        assertEquals(unterminated, out[2], "no closing quote: nothing to mask, nothing thrown");
    }
}
