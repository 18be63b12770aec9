package io.whmcsbridge.reseller;

import io.whmcsbridge.runtime.testing.ReadmeCatalogue;
import io.whmcsbridge.runtime.testing.SecretCatalogue;
import org.junit.jupiter.api.Test;

/**
 * Every parameter and answer field of every reseller-service command that looks secret is declared: the whole catalogue,
 * walked with its field sheet ({@code api-fields.txt}); and the README lists what is declared.
 */
class ResellerSecretsTest {

    /** The walk of the catalogue; the service's secrets IT adds the answers the simulator gave. */
    static SecretCatalogue walk() throws Exception {
        return SecretCatalogue.of(new ResellerActions(), new VoipResellerGateway().secretNames()).fieldSheet("api-fields.txt");
    }

    @Test
    void everySecretLookingFieldOfEveryCommandIsDeclared() throws Exception {
        walk().assertEverySecretDeclared();
    }

    @Test
    void readmeListsTheDeclaredSecrets() throws Exception {
        ReadmeCatalogue.assertSecretsUpToDate(new ResellerActions(), new VoipResellerGateway().secretNames());
    }
}
