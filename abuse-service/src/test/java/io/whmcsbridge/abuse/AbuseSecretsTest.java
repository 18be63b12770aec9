package io.whmcsbridge.abuse;

import io.whmcsbridge.runtime.testing.ReadmeCatalogue;
import io.whmcsbridge.runtime.testing.SecretCatalogue;
import org.junit.jupiter.api.Test;

/**
 * Every parameter and answer field of every abuse-service command that looks secret is declared: the whole catalogue,
 * walked with its field sheet ({@code api-fields.txt}); and the README lists what is declared.
 */
class AbuseSecretsTest {

    /** The walk of the catalogue; the service's secrets IT adds the answers the simulator gave. */
    static SecretCatalogue walk() throws Exception {
        return SecretCatalogue.of(new AbuseActions(), new AbuseManagerGateway().secretNames()).fieldSheet("api-fields.txt");
    }

    @Test
    void everySecretLookingFieldOfEveryCommandIsDeclared() throws Exception {
        walk().assertEverySecretDeclared();
    }

    @Test
    void readmeListsTheDeclaredSecrets() throws Exception {
        ReadmeCatalogue.assertSecretsUpToDate(new AbuseActions(), new AbuseManagerGateway().secretNames());
    }
}
