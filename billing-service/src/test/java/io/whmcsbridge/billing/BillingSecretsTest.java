package io.whmcsbridge.billing;

import io.whmcsbridge.runtime.testing.ReadmeCatalogue;
import io.whmcsbridge.runtime.testing.SecretCatalogue;
import org.junit.jupiter.api.Test;

/**
 * Every parameter and answer field of every billing-service command that looks secret is declared: the whole
 * catalogue, walked with its field sheet ({@code api-fields.txt}); and the README lists what is declared.
 */
class BillingSecretsTest {

    /** The walk of billing-service's catalogue; {@code BillingSecretsIT} adds the answers the simulator gave. */
    static SecretCatalogue walk() throws Exception {
        return SecretCatalogue.of(new BillingActions(), new BillingGateway().secretNames())
                .fieldSheet("api-fields.txt")
                .allow("account_id", "a hosting account's id (the billing link of a server), not a bank account")
                .allow("securityqid", "which security question the client chose; its answer is securityqans")
                .allow("cardtype", "the card's brand (Visa), shown with the last four digits")
                .allow("credentialId", "an OAuth credential's number; its secret is clientSecret")
                .allow("whmcs.core.UpdateClient", "clearcreditcard", "a flag that deletes the stored card")
                .allow("whmcs.core.AddPayMethod", "bank_name", "the bank's name")
                .allow("whmcs.core.AddPayMethod", "bank_account_type", "Checking or Savings")
                .allow("whmcs.core.GetPayMethods", "card_type", "the card's brand (Visa), shown with the last four digits")
                .allow("whmcs.core.GetPayMethods", "card_last_four", "the last four digits, which WHMCS itself shows; "
                        + "PCI DSS allows showing them")
                .allow("whmcs.core.GetPayMethods", "expiry_date", "month and year, shown with the last four digits; no "
                        + "use without the number, and a workflow needs it for cards about to expire")
                .allow("whmcs.core.GetPromotions", "code", "a promotion code, made to be handed out to customers")
                .allow("whmcs.core.GetPromotions", "expirationdate", "when the promotion ends")
                .allow("whmcs.core.GetCurrencies", "code", "an ISO currency code")
                .allow("whmcs.core.GetTLDPricing", "code", "an ISO currency code")
                .allow("whmcs.billing.getpaymentgw", "banktransfer", "the name of a payment gateway module (a key of "
                        + "methods), not bank details");
    }

    @Test
    void everySecretLookingFieldOfEveryCommandIsDeclared() throws Exception {
        walk().assertEverySecretDeclared();
    }

    @Test
    void readmeListsTheDeclaredSecrets() throws Exception {
        ReadmeCatalogue.assertSecretsUpToDate(new BillingActions(), new BillingGateway().secretNames());
    }
}
