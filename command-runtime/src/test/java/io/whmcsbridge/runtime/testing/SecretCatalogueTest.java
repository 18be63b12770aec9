package io.whmcsbridge.runtime.testing;

import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.Param;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The walker the services' secrets tests call: what it finds, and that it passes only when all is declared. */
class SecretCatalogueTest {
    static final String SHEET = "secret-catalogue/sample-fields.txt";

    static ActionCatalogue catalogue(UnaryOperator<ActionSpec.Builder> pay) {
        ActionSpec add = pay.apply(ActionSpec.builder("whmcs.test.AddPayMethod", "AddPayMethod").openParams()
                .params(Param.id("clientid").required())).build();
        ActionSpec currencies = ActionSpec.builder("whmcs.test.GetCurrencies", "GetCurrencies").idempotent(true).build();
        return () -> List.of(add, currencies);
    }

    static SecretCatalogue walk(UnaryOperator<ActionSpec.Builder> pay) throws Exception {
        return SecretCatalogue.of(catalogue(pay), Set.of("token")).fieldSheet(SHEET)
                .allow("card_type", "the card's brand (Visa), printed on receipts")
                .allow("whmcs.test.GetCurrencies", "code", "an ISO currency code");
    }

    static String failure(SecretCatalogue walk) {
        return assertThrows(AssertionFailedError.class, walk::assertEverySecretDeclared).getMessage();
    }

    @Test
    void anUndeclaredCardNumberFails() throws Exception {
        String message = failure(walk(b -> b));
        assertTrue(message.contains("whmcs.test.AddPayMethod: 'card_number'"), message);
        assertTrue(message.startsWith("1 problem(s)"), message);
    }

    @Test
    void declaredAndAllowedNamesPass() throws Exception {
        walk(b -> b.secretParams("card_number")).assertEverySecretDeclared();
    }

    @Test
    void anAnswerSeenIsWalkedToo() throws Exception {
        var seen = Json.MAPPER.readTree("{\"result\":\"success\",\"paymethodid\":3,\"remote\":{\"remote_token\":\"[REDACTED]\"}}");
        String message = failure(walk(b -> b.secretParams("card_number")).answer("whmcs.test.AddPayMethod", seen));
        assertTrue(message.contains("'remote.remote_token' (an answer field seen)"), message);
        walk(b -> b.secretParams("card_number").secretAnswers("remote_token")).answer("whmcs.test.AddPayMethod", seen)
                .assertEverySecretDeclared();
    }

    @Test
    void aMisspeltDeclarationAStaleAllowanceAndAnActionMissingFromTheSheetFail() throws Exception {
        String misspelt = failure(walk(b -> b.secretParams("card_number", "cardnumber")));
        assertTrue(misspelt.contains("declares 'cardnumber' secret, but neither"), misspelt);

        String stale = failure(walk(b -> b.secretParams("card_number")).allow("bank_name", "the bank's name"));
        assertTrue(stale.contains("allows 'bank_name', which no field of it needs"), stale);

        ActionCatalogue more = () -> List.of(catalogue(b -> b.secretParams("card_number")).actions().iterator().next(),
                ActionSpec.builder("whmcs.test.GetCurrencies", "GetCurrencies").build(),
                ActionSpec.builder("whmcs.test.CreateSsoToken", "CreateSsoToken").build());
        String missing = failure(SecretCatalogue.of(more, Set.of()).fieldSheet(SHEET).allow("card_type", "brand")
                .allow("whmcs.test.GetCurrencies", "code", "ISO"));
        assertTrue(missing.contains("whmcs.test.CreateSsoToken: missing from the field sheet"), missing);
    }

    @Test
    void theHeuristic() {
        for (String secret : List.of("card_number", "clientSecret", "access_token", "password2", "pass", "cvv", "bank_code",
                "securityqans", "eppcode", "reset_token", "api_key", "card_expiry", "issuenumber", "pin", "otp", "rootpw")) {
            assertTrue(SecretCatalogue.looksSecret(secret), secret);
        }
        for (String data : List.of("clientid", "email", "firstname", "shipping", "amount", "invoiceid", "description",
                "status", "paymethodid", "report_id", "footprint")) {
            assertFalse(SecretCatalogue.looksSecret(data), data);
        }
    }
}
