package io.whmcsbridge.runtime.readme;

import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.redaction.Redactor;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Renders a service's catalogue as the Markdown its README shows, so the list of commands and the list of secrets
 * are generated from the code and never written twice. A README holds the commands between {@link #START} and
 * {@link #END}, the secrets between {@link #SECRETS_START} and {@link #SECRETS_END}. Its own package: it reads the
 * catalogue and the redactor, and the redactor reads the catalogue.
 */
public final class CatalogueMarkdown {
    public static final String START = "<!-- catalogue:start (generated from the code; see CatalogueMarkdown) -->";
    public static final String END = "<!-- catalogue:end -->";
    public static final String SECRETS_START = "<!-- secrets:start (generated from the code; see CatalogueMarkdown) -->";
    public static final String SECRETS_END = "<!-- secrets:end -->";

    private CatalogueMarkdown() {
    }

    public static String render(ActionCatalogue catalogue) {
        StringBuilder b = new StringBuilder();
        b.append("| command type | idempotent | parameters | description | read back after a lost answer |\n");
        b.append("|---|---|---|---|---|\n");
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
                    .append(" | ").append(readBack(a).replace("|", "\\|")).append(" |\n");
        });
        return b.toString();
    }

    /**
     * The reconciliation decision of a non-idempotent action; every one must have one (the README generator fails
     * otherwise, so an action added without a decision cannot go unnoticed).
     */
    private static String readBack(ActionSpec a) {
        if (a.idempotent()) {
            return "not needed: sent again safely";
        }
        if (a.readBack() == null) {
            throw new IllegalStateException(a.type() + " is not idempotent and declares no read-back decision "
                    + "(ActionSpec.Builder.readBack or noReadBack)");
        }
        return a.readBack().describe();
    }

    /**
     * The secrets the service masks: the names masked in every command and answer (the common ones and
     * {@code serviceSecretNames}, the gateway's), then each command's own secret parameters and answer fields.
     */
    public static String renderSecrets(ActionCatalogue catalogue, Collection<String> serviceSecretNames) {
        StringBuilder b = new StringBuilder();
        Set<String> common = new TreeSet<>(Redactor.COMMON_SECRET_NAMES);
        Set<String> own = new TreeSet<>();
        serviceSecretNames.forEach(n -> {
            String name = n.toLowerCase(Locale.ROOT).replace('-', '_');
            if (!common.contains(name)) {
                own.add(n);
            }
        });
        b.append("Masked in every command, answer and error text of this service: ")
                .append(own.isEmpty() ? "" : names(own) + " (this API's) and ").append("the names every service masks, ")
                .append(names(common)).append(".\n\n");
        List<ActionSpec> declaring = catalogue.actions().stream()
                .filter(a -> !a.secretParams().isEmpty() || !a.secretAnswers().isEmpty())
                .sorted(Comparator.comparing(ActionSpec::type)).toList();
        if (declaring.isEmpty()) {
            b.append("No command declares secrets of its own.\n");
            return b.toString();
        }
        b.append("Declared by each command, masked in its parameters, its answer and its error texts (besides the names")
                .append(" above; a name declared here only is masked in that command only):\n\n");
        b.append("| command type | secret parameters | secret answer fields |\n");
        b.append("|---|---|---|\n");
        for (ActionSpec a : declaring) {
            b.append("| `").append(a.type()).append("` | ").append(names(a.secretParams())).append(" | ")
                    .append(names(a.secretAnswers())).append(" |\n");
        }
        return b.toString();
    }

    private static String names(Collection<String> names) {
        return names.isEmpty() ? "none" : names.stream().sorted().map(n -> "`" + n + "`").collect(Collectors.joining(", "));
    }

    /** The README text with the generated block replaced (or appended if the markers are missing). */
    public static String replaceBlock(String readme, ActionCatalogue catalogue) {
        return replace(readme, START, render(catalogue), END);
    }

    /** The README text with the generated secrets block replaced (or appended if the markers are missing). */
    public static String replaceSecretsBlock(String readme, ActionCatalogue catalogue, Collection<String> serviceSecretNames) {
        return replace(readme, SECRETS_START, renderSecrets(catalogue, serviceSecretNames), SECRETS_END);
    }

    private static String replace(String readme, String start, String content, String end) {
        String block = start + "\n" + content + end;
        int s = readme.indexOf(start);
        int e = readme.indexOf(end);
        if (s < 0 || e < 0) {
            return readme + "\n" + block + "\n";
        }
        return readme.substring(0, s) + block + readme.substring(e + end.length());
    }
}
