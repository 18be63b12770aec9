package io.whmcsbridge.runtime.testing;

import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.readme.CatalogueMarkdown;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keeps a module README's command list and secrets list equal to the catalogue in the code. Run the module's test
 * with {@code -Dcatalogue.write=true} to rewrite the blocks after changing the catalogue.
 */
public final class ReadmeCatalogue {
    private ReadmeCatalogue() {
    }

    public static void assertUpToDate(ActionCatalogue catalogue) throws Exception {
        assertBlock(text -> CatalogueMarkdown.replaceBlock(text, catalogue), "command list differs from the catalogue");
    }

    /**
     * The README's secrets block ({@code CatalogueMarkdown.renderSecrets}) lists what the code masks:
     * {@code serviceSecretNames} (the gateway's {@code secretNames()}) and each action's declared secrets.
     */
    public static void assertSecretsUpToDate(ActionCatalogue catalogue, Collection<String> serviceSecretNames) throws Exception {
        assertBlock(text -> CatalogueMarkdown.replaceSecretsBlock(text, catalogue, serviceSecretNames),
                "list of secrets differs from the code");
    }

    private static void assertBlock(UnaryOperator<String> regenerate, String what) throws Exception {
        Path readme = Path.of("README.md");
        String text = Files.readString(readme);
        String expected = regenerate.apply(text);
        if (Boolean.getBoolean("catalogue.write")) {
            Files.writeString(readme, expected);
            return;
        }
        assertEquals(expected, text, "README.md's " + what + "; run the test with -Dcatalogue.write=true to regenerate it");
    }
}
