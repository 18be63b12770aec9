package io.whmcsbridge.runtime.ops;

import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Label values from the catalogue only: a command's type is chosen by whoever sends it, and every distinct label
 * value is a new time series, so an action the catalogue does not know is counted as {@value #UNKNOWN}.
 */
@ApplicationScoped
public class MetricLabels {
    public static final String UNKNOWN = "unknown";

    private final Set<String> actions;

    @Inject
    MetricLabels(ActionCatalogue catalogue) {
        this(catalogue.actions().stream().map(ActionSpec::action).collect(Collectors.toUnmodifiableSet()));
    }

    MetricLabels(Set<String> actions) {
        this.actions = actions;
    }

    /** The catalogue's actions: every action label but {@value #UNKNOWN}. */
    public Set<String> actions() {
        return actions;
    }

    /** {@code action} if it is one of the catalogue's actions, else {@value #UNKNOWN}. */
    public String action(String action) {
        return action != null && actions.contains(action) ? action : UNKNOWN;
    }
}
