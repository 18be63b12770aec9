package io.whmcsbridge.runtime.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.api.ApiInstances;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.ParamValidator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * The rules a command must meet before its API is called, written once for both ways in: the HTTP ingress answers a
 * broken rule with a 4xx and records nothing, the pipeline records the command as REJECTED. Each says why in the
 * same words. What only one way in has (a caller's scopes, an id's shape; a CloudEvent's data) stays with it.
 */
@ApplicationScoped
public class CommandRules {

    @Inject
    ActionCatalogue catalogue;
    @Inject
    ApiInstances instances;

    /** The action a command type names, if this service has it. */
    public Optional<ActionSpec> action(String type) {
        return catalogue.byType(type);
    }

    /** Why a type that {@link #action(String)} does not know is refused. */
    public String unknownType(String type) {
        return "unknown command type '" + type + "'; this service accepts " + catalogue.acceptedTypes();
    }

    /** The configured API instance of that name, if any. */
    public Optional<ApiInstance> instance(String name) {
        return instances.get(name);
    }

    /** Why an instance that {@link #instance(String)} does not know is refused. */
    public String unknownInstance(String name) {
        return "instance '" + name + "' is not configured; configured: " + String.join(", ", instances.all().keySet());
    }

    /** The command's parameters checked against its action ({@link ParamValidator}), and normalised. */
    public ParamValidator.Result params(ActionSpec action, ObjectNode params) {
        return ParamValidator.validate(action, params);
    }
}
