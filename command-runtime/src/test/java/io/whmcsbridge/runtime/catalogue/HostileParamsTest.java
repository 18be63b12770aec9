package io.whmcsbridge.runtime.catalogue;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameters from a hostile emitter: each is refused quickly with a violation naming it, never an exception. */
class HostileParamsTest {
    static final ActionSpec PAY = ActionSpec.builder("whmcs.test.pay", "pay")
            .params(Param.id("invoice_id"), Param.money("amount"), Param.integer("count"), Param.any("extra"),
                    Param.object("profile"), Param.list("ids"))
            .reserved(java.util.List.of("action", "identifier", "api_username"))
            .build();
    static final ActionSpec OPEN = ActionSpec.builder("whmcs.core.GetClients", "GetClients").openParams()
            .reserved(java.util.List.of("action", "identifier", "secret", "responsetype")).build();

    static ObjectNode json(String s) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(s);
    }

    static String message(ActionSpec spec, ObjectNode params) {
        ParamValidator.Result r = assertTimeoutPreemptively(Duration.ofMillis(500), () -> ParamValidator.validate(spec, params));
        assertTrue(!r.valid(), "refused: " + params.toString().substring(0, Math.min(200, params.toString().length())));
        return r.message();
    }

    @Test
    void hugeNumbersAreRefusedBeforeAnyArithmetic() throws Exception {
        assertTrue(message(PAY, json("{\"amount\":1e1000000000}")).contains("amount: is a number of 1000000001 digits written out, at most 40"));
        assertTrue(message(PAY, json("{\"count\":1e2000000}")).contains("count: is a number of 2000001 digits"));
        assertTrue(message(PAY, json("{\"amount\":1e-100000000}")).contains("amount: is a number of 100000000 digits"));
        assertTrue(message(PAY, json("{\"extra\":{\"deep\":[1,1e400]}}")).contains("extra[deep][1]: is a number"));
        assertTrue(message(OPEN, json("{\"limitnum\":1e999}")).contains("limitnum: is a number"));
        assertTrue(message(PAY, json("{\"count\":" + "9".repeat(41) + "}")).contains("count: is a number of 41 digits"));
        ObjectNode infinite = json("{}").set("amount", DoubleNode.valueOf(Double.POSITIVE_INFINITY));
        assertTrue(message(PAY, infinite).contains("amount: is not a finite number"));
        assertTrue(message(PAY, json("{\"amount\":\"1e1000000000\"}")).contains("amount: must be an amount"));
        assertTrue(message(PAY, json("{\"amount\":\"0." + "0".repeat(60_000) + "1\"}")).contains("amount: must be an amount"));
        assertTrue(ParamValidator.validate(PAY, json("{\"amount\":1e3,\"count\":12345678901234567}")).valid());
    }

    @Test
    void callerNamesAreSafeAndNeverTheServicesOwn() throws Exception {
        String m = message(OPEN, json("{\"x=1&action=UpdateModuleConfiguration&moduleType=gateway&y\":1}"));
        assertTrue(m.contains("'x=1&action=UpdateModuleConfiguration&moduleType=gateway&y': is not a parameter name"), m);
        for (String name : new String[] {"a b", "a[b]", "a]", "a%26b", "a+b", "tab\t", "nul\u0000", "", "n".repeat(65)}) {
            assertTrue(message(OPEN, json("{}").put(name, 1)).contains("parameter name"), name);
        }
        for (String name : new String[] {"action", "ACTION", "Identifier", "responseType", "SECRET"}) {
            assertTrue(message(OPEN, json("{}").put(name, 1)).contains("is set by the service"), name);
        }
        assertTrue(message(PAY, json("{\"api.username\":\"x\"}")).contains("api.username: is set by the service"),
                "PHP reads api.username as api_username");
        assertTrue(message(PAY, json("{\"profile\":{\"a]&action=x\":1}}")).contains("profile['a]&action=x']: is not a parameter name"));
        assertTrue(ParamValidator.validate(OPEN, json("{\"clientid\":1,\"search.term\":\"x\",\"limit-num\":2}")).valid());
    }

    @Test
    void nestingListsAndTextAreBounded() throws Exception {
        assertTrue(message(PAY, json("{\"extra\":" + "[".repeat(9) + "]".repeat(9) + "}")).contains("extra[0][0][0][0][0][0][0][0]: is nested deeper than 8"));
        assertTrue(ParamValidator.validate(PAY, json("{\"extra\":" + "[".repeat(8) + "]".repeat(8) + "}")).valid());
        assertTrue(message(PAY, json("{\"ids\":[" + "1,".repeat(1000) + "1]}")).contains("ids: has 1001 items, at most 1000"));
        assertTrue(message(OPEN, json("{\"notes\":\"" + "x".repeat(65_536) + "\"}")).contains("notes: is longer than 65535"));
        assertTrue(message(OPEN, json("{\"notes\":\"a\\u001b[2Jb\"}")).contains("notes: contains control characters"));
        assertTrue(message(OPEN, json("{\"notes\":\"a\\ud800\"}")).contains("notes: contains control characters"));
        ObjectNode many = json("{}");
        for (int i = 0; i < 1001; i++) {
            many.put("p" + i, i);
        }
        assertTrue(message(OPEN, many).contains("a command has at most 1000 parameters"));
    }

    @Test
    void limitsAreConfigurable() throws Exception {
        InputLimits tight = new InputLimits(8, 10, 2, 3, 5);
        assertTrue(ParamValidator.validate(OPEN, json("{\"abcdefghi\":1}"), tight).message().contains("longer than 8"));
        assertTrue(ParamValidator.validate(OPEN, json("{\"a\":123456}"), tight).message().contains("at most 5"));
        assertTrue(ParamValidator.validate(OPEN, json("{\"a\":[[[1]]]}"), tight).message().contains("deeper than 2"));
        assertTrue(ParamValidator.validate(OPEN, json("{\"a\":\"12345678901\"}"), tight).message().contains("longer than 10"));
        assertThrows(IllegalArgumentException.class, () -> new InputLimits(0, 1, 1, 1, 1));
    }

    @Test
    void aCatalogueCannotDeclareAReservedNameOrAnUnsafeOne() {
        assertThrows(IllegalStateException.class, () -> ActionSpec.builder("t", "t").params(Param.string("Action"))
                .reserved(java.util.List.of("action")).build());
        assertThrows(IllegalArgumentException.class, () -> Param.string("a&b"));
    }

    @Test
    void aRuleThatThrowsRefusesTheCommand() throws Exception {
        ActionSpec spec = ActionSpec.builder("t", "t").openParams().rule(p -> {
            throw new IllegalStateException("bug");
        }).build();
        assertEquals("invalid parameters: the parameters could not be checked (IllegalStateException)",
                message(spec, json("{\"a\":1}")));
    }
}
