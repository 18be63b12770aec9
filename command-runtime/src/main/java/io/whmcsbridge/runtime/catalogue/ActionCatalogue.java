package io.whmcsbridge.runtime.catalogue;

import java.util.Collection;
import java.util.Optional;

/**
 * The commands one service accepts. Each service module provides exactly one bean of this type; the shared
 * pipeline asks it for the action of every command type it reads.
 */
public interface ActionCatalogue {

    Collection<ActionSpec> actions();

    default Optional<ActionSpec> byType(String type) {
        return actions().stream().filter(a -> a.type().equals(type)).findFirst();
    }
}
