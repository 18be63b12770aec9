package io.whmcsbridge.runtime.catalogue;

import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * Renders a service's catalogue as the Markdown its README shows, so the list of commands is generated from the
 * code and never written twice. A README holds it between {@link #START} and {@link #END}.
 */
public final class CatalogueMarkdown {
    public static final String START = "<!-- catalogue:start (generated from the code; see CatalogueMarkdown) -->";
    public static final String END = "<!-- catalogue:end -->";

    private CatalogueMarkdown() {
    }

    public static String render(ActionCatalogue catalogue) {
        StringBuilder b = new StringBuilder();
        b.append("| command type | idempotent | parameters | description |\n");
        b.append("|---|---|---|---|\n");
        catalogue.actions().stream().sorted(Comparator.comparing(ActionSpec::type)).forEach(a -> {
            String params = a.params().isEmpty() ? "none" : a.params().stream()
                    .map(p -> "`" + p.name() + "`" + (p.mandatory() ? " **required**" : "") + " (" + p.constraints() + ")"
                            + (p.description().isEmpty() ? "" : ": " + p.description()))
                    .collect(Collectors.joining("<br>"));
            if (a.openParams()) {
                params += "<br>other parameters are passed through";
            }
            b.append("| `").append(a.type()).append("` | ").append(a.idempotent() ? "yes" : "**no**").append(" | ")
                    .append(params.replace("|", "\\|")).append(" | ").append(a.description().replace("|", "\\|"))
                    .append(" |\n");
        });
        return b.toString();
    }

    /** The README text with the generated block replaced (or appended if the markers are missing). */
    public static String replaceBlock(String readme, ActionCatalogue catalogue) {
        String block = START + "\n" + render(catalogue) + END;
        int s = readme.indexOf(START);
        int e = readme.indexOf(END);
        if (s < 0 || e < 0) {
            return readme + "\n" + block + "\n";
        }
        return readme.substring(0, s) + block + readme.substring(e + END.length());
    }
}
