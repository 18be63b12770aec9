package io.whmcsbridge.runtime.testing;

import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.CatalogueMarkdown;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keeps a module README's command list equal to the catalogue in the code. Run the module's test with
 * {@code -Dcatalogue.write=true} to rewrite the block after changing the catalogue.
 */
public final class ReadmeCatalogue {
    private ReadmeCatalogue() {
    }

    public static void assertUpToDate(ActionCatalogue catalogue) throws Exception {
        Path readme = Path.of("README.md");
        String text = Files.readString(readme);
        String expected = CatalogueMarkdown.replaceBlock(text, catalogue);
        if (Boolean.getBoolean("catalogue.write")) {
            Files.writeString(readme, expected);
            return;
        }
        assertEquals(expected, text, "README.md's command list differs from the catalogue; run the test with "
                + "-Dcatalogue.write=true to regenerate it");
    }
}
