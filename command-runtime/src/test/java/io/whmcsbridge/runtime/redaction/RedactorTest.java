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

    static final ActionSpec SSO = ActionSpec.builder("whmcs.test.CreateSsoToken", "CreateSsoToken")
            .openParams().secretAnswers("access_token").build();
    static final ActionSpec OAUTH = ActionSpec.builder("whmcs.test.CreateOAuthCredential", "CreateOAuthCredential")
            .openParams().secretAnswers("clientSecret").build();
    static final ActionSpec PAY = ActionSpec.builder("whmcs.test.AddPayMethod", "AddPayMethod")
            .openParams().secretParams("card_number", "bank_account").build();

    @Test
    void anActionsSecretAnswerFieldsAreMaskedInItsResultsAndTextsEvenInsideAUrl() throws Exception {
        var answer = Json.MAPPER.readTree("{\"result\":\"success\",\"access_token\":\"tok-5c1d\","
                + "\"redirect_url\":\"https://whmcs.example/oauth/singlesignon.php?access_token=tok-5c1d&x=1\"}");
        String masked = redactor.redact(answer, SSO).toString();
        assertFalse(masked.contains("tok-5c1d"), masked);
        assertEquals("{\"result\":\"success\",\"access_token\":\"[REDACTED]\","
                + "\"redirect_url\":\"https://whmcs.example/oauth/singlesignon.php?access_token=[REDACTED]&x=1\"}", masked);
        // the raw body, as an error's upstream text: masked up to the next space or &, more than the token, never less
        String raw = "{\"redirect_url\":\"https:\\/\\/w\\/sso.php?access_token=tok-5c1d\",\"result\":\"success\"} next";
        assertEquals("{\"redirect_url\":\"https:\\/\\/w\\/sso.php?access_token=[REDACTED] next", redactor.redactText(raw, SSO));
        // camelCase as WHMCS spells it, any case in text
        var oauth = Json.MAPPER.readTree("{\"credentialId\":3,\"clientIdentifier\":\"WHMCS.id\",\"clientSecret\":\"cs-9\"}");
        assertEquals("{\"credentialId\":3,\"clientIdentifier\":\"WHMCS.id\",\"clientSecret\":\"[REDACTED]\"}",
                redactor.redact(oauth, OAUTH).toString());
        assertEquals("<clientsecret>[REDACTED]</clientsecret>", redactor.redactText("<clientsecret>cs-9</clientsecret>", OAUTH));
        assertTrue(redactor.isSecretName("clientSecret", OAUTH));
        assertFalse(redactor.isSecretName("clientSecret", SSO), "declared for CreateOAuthCredential only");
        assertEquals("{\"access_token\":\"x\"}", redactor.redact(Json.MAPPER.readTree("{\"access_token\":\"x\"}"), PAY).toString());
    }

    @Test
    void aSecretWrittenAsAJsonNumberIsMaskedInTextToo() throws Exception {
        String raw = "{\"card_number\": 4111111111111111, \"bank_account\":-12.5e3,\"clientid\":7, \"password\":true}";
        String out = redactor.redactText(raw, PAY);
        assertEquals("{\"card_number\": \"[REDACTED]\", \"bank_account\":\"[REDACTED]\",\"clientid\":7, \"password\":\"[REDACTED]\"}", out);
        assertEquals("{\"card_number\":\"[REDACTED]\",\"clientid\":7}",
                redactor.redact(Json.MAPPER.readTree("{\"card_number\":4111111111111111,\"clientid\":7}"), PAY).toString());
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
