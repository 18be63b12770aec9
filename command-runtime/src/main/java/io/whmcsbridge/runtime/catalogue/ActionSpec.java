package io.whmcsbridge.runtime.catalogue;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One command a service accepts: the API action (spelled as the API documents it), whether it may be sent again
 * safely, and its parameters. {@code rules} check what single parameters cannot (e.g. two fields that must match).
 *
 * @param idempotent sending it twice has the effect of sending it once: retried after transient failures and
 *                   after a crash mid-call; a non-idempotent action that may have left becomes UNKNOWN
 * @param openParams parameters not listed are passed through (for APIs whose parameter list is open-ended)
 * @param secretParams parameter names that hold secrets in this action (a card number, a password, a one-time 2FA
 *                     {@code code} where other actions' {@code code} is a currency or an error code)
 * @param secretAnswers field names of this action's answer that hold secrets (an OAuth client secret, an SSO
 *                     token): declared apart from the parameters so the README can say which is which. The
 *                     {@code Redactor} masks both sets ({@link #secretNames()}), besides the common and the
 *                     service's secret names, in this action's params, results and error texts, at any depth and
 *                     as {@code name=value} inside text (a token in a URL's query)
 * @param reservedNames names the service itself sends to the API (credentials, {@code action}, transport fields),
 *                     lower case: a command's parameter that PHP would read under one of them (after PHP's own name
 *                     normalisation, in any case) is refused, so a command cannot override or add to them
 * @param readBack     for a non-idempotent action: how its effect is read back when its answer was lost, or why it
 *                     cannot be ({@code null} until declared; idempotent actions need none)
 */
public record ActionSpec(String type, String action, boolean idempotent, String description, List<Param> params,
        List<Function<ObjectNode, Optional<Violation>>> rules, boolean openParams, Set<String> secretParams,
        Set<String> secretAnswers, Set<String> reservedNames, ReadBack readBack) {

    /** The read-back by marker, if this action has one. */
    public Optional<ReadBack.ByMarker> byMarker() {
        return readBack instanceof ReadBack.ByMarker m ? Optional.of(m) : Optional.empty();
    }

    /** Every name secret in this action alone: its secret parameters and its secret answer fields. */
    public Set<String> secretNames() {
        if (secretAnswers.isEmpty()) {
            return secretParams;
        }
        if (secretParams.isEmpty()) {
            return secretAnswers;
        }
        Set<String> all = new LinkedHashSet<>(secretParams);
        all.addAll(secretAnswers);
        return Set.copyOf(all);
    }

    /** Whether a parameter of this name would reach the API as one of {@link #reservedNames()}. */
    public boolean reserves(String name) {
        return !reservedNames.isEmpty() && reservedNames.contains(PhpNames.baseName(name).toLowerCase(Locale.ROOT));
    }

    public static Builder builder(String type, String action) {
        return new Builder(type, action);
    }

    public Optional<Param> param(String name) {
        return params.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public static final class Builder {
        private final String type;
        private final String action;
        private boolean idempotent;
        private String description = "";
        private final List<Param> params = new ArrayList<>();
        private final List<Function<ObjectNode, Optional<Violation>>> rules = new ArrayList<>();
        private boolean openParams;
        private final Set<String> secretParams = new LinkedHashSet<>();
        private final Set<String> secretAnswers = new LinkedHashSet<>();
        private final Set<String> reservedNames = new LinkedHashSet<>();
        private ReadBack readBack;

        private Builder(String type, String action) {
            this.type = type;
            this.action = action;
        }

        public Builder idempotent(boolean value) {
            this.idempotent = value;
            return this;
        }

        public Builder describe(String text) {
            this.description = text;
            return this;
        }

        public Builder params(Param... more) {
            params.addAll(List.of(more));
            return this;
        }

        public Builder rule(Function<ObjectNode, Optional<Violation>> rule) {
            rules.add(rule);
            return this;
        }

        public Builder openParams() {
            this.openParams = true;
            return this;
        }

        /** Parameter names that are secret in this action; see {@link ActionSpec#secretParams()}. */
        public Builder secretParams(String... names) {
            secretParams.addAll(List.of(names));
            return this;
        }

        /** Answer field names that are secret in this action; see {@link ActionSpec#secretAnswers()}. */
        public Builder secretAnswers(String... names) {
            secretAnswers.addAll(List.of(names));
            return this;
        }

        /** Names the service's gateway sends itself; see {@link ActionSpec#reservedNames()}. */
        public Builder reserved(Collection<String> names) {
            names.forEach(n -> reservedNames.add(n.toLowerCase(Locale.ROOT)));
            return this;
        }

        /** How the action's effect is read back after a lost answer; see {@link ActionSpec#readBack()}. */
        public Builder readBack(ReadBack value) {
            this.readBack = value;
            return this;
        }

        /** The action has no read-back, for this reason (the README shows it). */
        public Builder noReadBack(String why) {
            return readBack(new ReadBack.None(why));
        }

        public ActionSpec build() {
            ActionSpec spec = new ActionSpec(type, action, idempotent, description, List.copyOf(params),
                    List.copyOf(rules), openParams, Set.copyOf(secretParams), Set.copyOf(secretAnswers),
                    Set.copyOf(reservedNames), idempotent ? null : readBack);
            if (readBack instanceof ReadBack.ByMarker && !secretParams.isEmpty()) {
                // a write sent again must be sent as it was, and secrets are never stored
                throw new IllegalStateException(type + ": an action with secret parameters cannot be sent again");
            }
            for (Param p : params) {
                if (spec.reserves(p.name())) {
                    throw new IllegalStateException(type + ": parameter " + p.name() + " is a name the service sends itself");
                }
            }
            return spec;
        }
    }
}
