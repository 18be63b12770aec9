package io.whmcsbridge.reseller;

import io.whmcsbridge.runtime.testing.ReadmeCatalogue;
import io.whmcsbridge.runtime.testing.SecretCatalogue;
import org.junit.jupiter.api.Test;

/**
 * Every parameter and answer field of every reseller-service command that looks secret is declared: the whole catalogue,
 * walked with its field sheet ({@code api-fields.txt}); and the README lists what is declared.
 */
class ResellerSecretsTest {

    @Test
    void everySecretLookingFieldOfEveryCommandIsDeclared() throws Exception {
        SecretCatalogue.of(new ResellerActions(), new VoipResellerGateway().secretNames()).fieldSheet("api-fields.txt").assertEverySecretDeclared();
    }

    @Test
    void readmeListsTheDeclaredSecrets() throws Exception {
        ReadmeCatalogue.assertSecretsUpToDate(new ResellerActions(), new VoipResellerGateway().secretNames());
    }
}
