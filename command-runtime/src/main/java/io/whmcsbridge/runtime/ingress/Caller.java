package io.whmcsbridge.runtime.ingress;

import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * Who sent an ingress request (the API key's name, or the token's user) and what it may do. Set by
 * {@link CallerFilter}; its name is recorded as the command's source {@code http:<name>}.
 */
public record Caller(String name, Scopes scopes) {
    /** Where no filter authenticated anyone: may do nothing. */
    static final Caller NOBODY = new Caller("anonymous", Scopes.NONE);

    /** The caller {@link CallerFilter} authenticated for this request; one that may do nothing if there is none. */
    public static Caller of(ContainerRequestContext request) {
        return request.getProperty(CallerFilter.CALLER) instanceof Caller c ? c : NOBODY;
    }

    /** The source this caller's commands are recorded with. */
    public String source() {
        return "http:" + name;
    }

    /** @throws IngressProblem 403 unless the caller may send this command type */
    public void requireSend(String type) {
        if (!scopes.maySend(type)) {
            throw new IngressProblem(403, "FORBIDDEN", "'" + name + "' may not send " + type + " (it may send "
                    + scopes.describeTypes() + ")");
        }
    }

    /** @throws IngressProblem 403 unless the caller may call this webhook */
    public void requireWebhook(String webhook) {
        if (!scopes.mayCall(webhook)) {
            throw new IngressProblem(403, "FORBIDDEN", "'" + name + "' may not call the " + webhook + " webhook");
        }
    }

    /** Its own commands, or every command with read-all. */
    public boolean mayRead(String source) {
        return scopes.readAll() || source().equals(source);
    }

    /**
     * This caller as a webhook it may call acts: it files the webhook's own command types, whatever types it may send
     * itself (the webhook's scope is its own).
     */
    public Caller asWebhook(String webhook, java.util.List<String> types) {
        requireWebhook(webhook);
        return new Caller(name, new Scopes(types, java.util.Set.of(), scopes.readAll(), false));
    }
}
