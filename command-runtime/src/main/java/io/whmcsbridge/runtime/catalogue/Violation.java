package io.whmcsbridge.runtime.catalogue;

/** One reason a command is invalid, naming the parameter. */
public record Violation(String field, String message) {
    @Override
    public String toString() {
        return field == null ? message : field + ": " + message;
    }
}
