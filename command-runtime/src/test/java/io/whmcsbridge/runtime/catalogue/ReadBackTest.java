package io.whmcsbridge.runtime.catalogue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.readme.CatalogueMarkdown;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadBackTest {
    static final ActionSpec READ = ActionSpec.builder("whmcs.x.getCharges", "getCharges").idempotent(true).build();

    static ReadBack.ByMarker byMarker(boolean freeText) {
        return new ReadBack.ByMarker(READ, "getCharges", "description", freeText, (p, m) -> p,
                (answer, sent, marker) -> new ReadBack.Verdict.NotApplied("nothing"));
    }

    /** A marker in text the customer sees is appended once, after what the command wrote. */
    @Test
    void aFreeTextMarkerIsAppendedOnce() {
        ReadBack.ByMarker rb = byMarker(true);
        ObjectNode p = Json.MAPPER.createObjectNode().put("description", "Setup fee");
        ObjectNode marked = rb.mark(p, "c-1");
        assertEquals("Setup fee [ref c-1]", marked.path("description").asText());
        assertEquals("Setup fee [ref c-1]", rb.mark(marked, "c-1").path("description").asText(), "not twice");
        assertEquals("[ref c-1]", rb.markerOf(marked, "c-1"));
        assertEquals("[ref c-2]", rb.mark(Json.MAPPER.createObjectNode(), "c-2").path("description").asText());
        assertEquals("Setup fee", p.path("description").asText(), "the command's parameters stay as they were");
    }

    @Test
    void aReadBackMustBeARead() {
        ActionSpec write = ActionSpec.builder("whmcs.x.addCharge", "addCharge").build();
        assertThrows(IllegalArgumentException.class, () -> new ReadBack.ByMarker(write, "addCharge", "description",
                false, (p, m) -> p, (a, s, m) -> new ReadBack.Verdict.CannotTell("?")));
    }

    /** Its parameters are stored masked, so it could never be sent again as it was. */
    @Test
    void anActionWithSecretParametersCannotHaveAReadBack() {
        assertThrows(IllegalStateException.class, () -> ActionSpec.builder("whmcs.x.pay", "pay")
                .secretParams("cvv").readBack(byMarker(false)).build());
    }

    /** The README generator refuses a write without a decision, so none can be added unnoticed. */
    @Test
    void everyWriteInTheReadmeHasADecision() {
        ActionCatalogue undecided = catalogue(ActionSpec.builder("whmcs.x.addCharge", "addCharge").build());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CatalogueMarkdown.render(undecided));
        assertTrue(e.getMessage().contains("whmcs.x.addCharge"), e.getMessage());
        String table = CatalogueMarkdown.render(catalogue(READ,
                ActionSpec.builder("whmcs.x.addCharge", "addCharge").readBack(byMarker(false)).build(),
                ActionSpec.builder("whmcs.x.addPayment", "addPayment").noReadBack("no marker").build()));
        assertTrue(table.contains("| `getCharges`; the bridge sets `description` to the command id when the command has none |"), table);
        assertTrue(table.contains("| none: no marker |"), table);
        assertTrue(table.contains("| not needed: sent again safely |"), table);
    }

    static ActionCatalogue catalogue(ActionSpec... specs) {
        return new ActionCatalogue() {
            @Override
            public Collection<ActionSpec> actions() {
                return List.of(specs);
            }
        };
    }
}
