package io.whmcsbridge.runtime.catalogue;

/** What a parameter's value must be. Values are checked and normalised before any call. */
public enum ParamKind {
    /** Any text. */
    STRING,
    /** A whole number, as a JSON number or a string of digits. */
    INTEGER,
    /** true/false; also 1/0 and "true"/"false" as PHP forms send them. */
    BOOLEAN,
    /** An amount of money: an exact decimal (BigDecimal), never a float; string or number. */
    MONEY,
    /** A date, YYYY-MM-DD. */
    DATE,
    /** An e-mail address. */
    EMAIL,
    /** One of a fixed set of words. */
    ENUM,
    /** A JSON array of scalars. */
    LIST,
    /** A JSON object (sent as the API documents, e.g. nested form names). */
    OBJECT,
    /** Passed through as given. */
    ANY
}
