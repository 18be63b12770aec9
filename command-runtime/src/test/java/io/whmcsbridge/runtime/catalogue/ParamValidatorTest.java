package io.whmcsbridge.runtime.catalogue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParamValidatorTest {
    static final ActionSpec SPEC = ActionSpec.builder("whmcs.test.pay", "pay")
            .params(Param.id("invoice_id").required(), Param.money("amount").required().positive(),
                    Param.oneOf("method", "card", "bank"), Param.bool("notify"), Param.date("date"),
                    Param.email("email"), Param.string("confirm_email"), Param.integer("threshold").min(1).max(250))
            .rule(p -> p.has("email") && !p.path("email").equals(p.path("confirm_email"))
                    ? Optional.of(new Violation("confirm_email", "must equal email")) : Optional.empty())
            .build();

    static ObjectNode json(String s) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(s);
    }

    @Test
    void validParamsAreNormalised() throws Exception {
        ParamValidator.Result r = ParamValidator.validate(SPEC, json("{\"invoice_id\":\"42\",\"amount\":\"10.50\",\"notify\":\"1\"}"));
        assertTrue(r.valid(), r.message());
        assertEquals(42, r.params().get("invoice_id").asLong());
        assertEquals(new BigDecimal("10.50"), r.params().get("amount").decimalValue());
        assertTrue(r.params().get("notify").booleanValue());
    }

    @Test
    void everyProblemIsReportedWithItsField() throws Exception {
        ParamValidator.Result r = ParamValidator.validate(SPEC, json(
                "{\"amount\":\"-1\",\"method\":\"cash\",\"date\":\"22/11/2026\",\"threshold\":251,\"extra\":1}"));
        assertFalse(r.valid());
        String m = r.message();
        assertTrue(m.contains("invoice_id: is required"), m);
        assertTrue(m.contains("amount: must be greater than 0"), m);
        assertTrue(m.contains("method: must be one of card, bank"), m);
        assertTrue(m.contains("date: must be a date YYYY-MM-DD"), m);
        assertTrue(m.contains("threshold: must be at most 250"), m);
        assertTrue(m.contains("extra: is not a parameter of pay"), m);
    }

    @Test
    void moneyRejectsOverPreciseAndFloatingPointValues() throws Exception {
        assertTrue(ParamValidator.validate(SPEC, json("{\"invoice_id\":1,\"amount\":\"1.005\"}")).message()
                .contains("amount: has more than 2 decimal places"));
        assertTrue(ParamValidator.validate(SPEC, json("{\"invoice_id\":1,\"amount\":\"1e3\"}")).message()
                .contains("amount: must be an amount"));
        // 0.1 as a JSON number is read exactly (BigDecimal), so it is accepted as 0.1
        assertTrue(ParamValidator.validate(SPEC, json("{\"invoice_id\":1,\"amount\":0.1}")).valid());
    }

    @Test
    void crossFieldRuleRunsOnValidParams() throws Exception {
        assertTrue(ParamValidator.validate(SPEC, json("{\"invoice_id\":1,\"amount\":1,\"email\":\"a@b.io\",\"confirm_email\":\"x@b.io\"}"))
                .message().contains("confirm_email: must equal email"));
    }

    @Test
    void controlCharactersAndHugeTextAreRejected() throws Exception {
        ObjectNode p = json("{\"invoice_id\":1,\"amount\":1}");
        p.put("method", "card\u0000");
        assertTrue(ParamValidator.validate(SPEC, p).message().contains("method: contains control characters"));
        p.put("method", "x".repeat(70_000));
        assertTrue(ParamValidator.validate(SPEC, p).message().contains("method: is longer than"));
    }

    @Test
    void anObjectsDocumentedFieldsAreHeldToTheirOwnParams() throws Exception {
        ActionSpec spec = ActionSpec.builder("whmcs.test.profile", "profile")
                .params(Param.object("profile").required().fields(Param.integer("client_id").min(0).required(),
                        Param.string("city").maxLength(5)))
                .build();
        ParamValidator.Result ok = ParamValidator.validate(spec, json("{\"profile\":{\"client_id\":\"007\",\"city\":\"Oslo\"}}"));
        assertTrue(ok.valid(), ok.message());
        assertEquals("007", ok.params().path("profile").path("client_id").asText(), "sent as the caller wrote it");
        ParamValidator.Result r = ParamValidator.validate(spec, json(
                "{\"profile\":{\"city\":\"Trondheim\",\"is_admin\":\"1\",\"client_id\":\"x\"}}"));
        assertFalse(r.valid());
        assertTrue(r.message().contains("profile[client_id]: must be a whole number"), r.message());
        assertTrue(r.message().contains("profile[city]: is longer than 5 characters"), r.message());
        assertTrue(r.message().contains("profile[is_admin]: is not a documented field"), r.message());
        assertTrue(ParamValidator.validate(spec, json("{\"profile\":{}}")).message().contains("profile[client_id]: is required"));
    }
}
