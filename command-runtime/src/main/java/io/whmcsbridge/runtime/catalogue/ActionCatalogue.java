package io.whmcsbridge.runtime.catalogue;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The commands one service accepts. Each service module provides exactly one bean of this type; the shared
 * pipeline asks it for the action of every command type it reads.
 */
public interface ActionCatalogue {

    Collection<ActionSpec> actions();

    default Optional<ActionSpec> byType(String type) {
        return actions().stream().filter(a -> a.type().equals(type)).findFirst();
    }

    /**
     * What this service accepts, by type prefix, for error messages: e.g. "whmcs.billing.&lt;action&gt; (24 types) or
     * whmcs.core.&lt;action&gt; (73 types)". A service may accept more than its family's prefix (billing takes the
     * WHMCS core actions as {@code whmcs.core.*}), so the message names every prefix it has.
     */
    default String acceptedTypes() {
        Map<String, Long> byPrefix = actions().stream().collect(Collectors.groupingBy(
                a -> a.type().substring(0, a.type().lastIndexOf('.') + 1), TreeMap::new, Collectors.counting()));
        return byPrefix.entrySet().stream().map(e -> e.getKey() + "<action> (" + e.getValue() + (e.getValue() == 1 ? " type)" : " types)"))
                .collect(Collectors.joining(" or ")) + "; the full list is in /asyncapi and the service's README";
    }
}
