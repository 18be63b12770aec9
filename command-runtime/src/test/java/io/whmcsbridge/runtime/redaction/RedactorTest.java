package io.whmcsbridge.runtime.redaction;

import io.whmcsbridge.model.Json;
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
}
