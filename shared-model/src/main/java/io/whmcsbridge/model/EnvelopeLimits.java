package io.whmcsbridge.model;

/**
 * The bounds {@link CloudEventCodec} holds every record to before anything else looks at it. A record beyond them is
 * not a usable envelope and goes to the DLQ with a reason naming the field. They are constants (shared-model has no
 * configuration) and deliberately generous: the catalogue's own limits ({@code whmcs.input.*} in command-runtime,
 * stricter and configurable) reject ordinary bad values with a REJECTED result naming the parameter. What these
 * guarantee is that no value the codec returns can stall a key: every attribute fits its database column, every
 * number can be stored as PostgreSQL {@code numeric} and written out in full in a few kilobytes, and the JSON tree is
 * shallow enough for recursive code. command-runtime's README documents them.
 */
public final class EnvelopeLimits {
    /** Largest record value read (Kafka's default {@code message.max.bytes} is about the same). */
    public static final int MAX_RECORD_BYTES = 1_048_576;
    /** Deepest JSON nesting of a whole record (the envelope is depth 1, {@code data.params} depth 3). */
    public static final int MAX_DEPTH = 64;
    /** Longest JSON string value (any field). */
    public static final int MAX_STRING_CHARS = 1_048_576;
    /** Longest JSON object key (any field). */
    public static final int MAX_NAME_CHARS = 1_024;
    /** Longest number as written (digits, sign, point, exponent). */
    public static final int MAX_NUMBER_CHARS = 1_000;
    /**
     * Largest exponent of a number: its BigDecimal scale must lie within plus or minus this. {@code 1e1000000000} is
     * 12 characters but would be a billion digits written out (PostgreSQL refuses it; {@code toPlainString} of
     * {@code 1e-100000000} fills a 128 MB heap).
     */
    public static final int MAX_NUMBER_SCALE = 1_000;
    /** Longest command id (the command log's primary key column). */
    public static final int MAX_ID = 200;
    /** Longest event type. */
    public static final int MAX_TYPE = 200;
    /** Longest source and subject. */
    public static final int MAX_SOURCE = 500;
    /** Longest {@code time} text (RFC 3339 needs about 35). */
    public static final int MAX_TIME = 64;
    /** Longest {@code datacontenttype} and {@code dataschema}. */
    public static final int MAX_CONTENT_TYPE = 200;
    /** Extension attributes per event. */
    public static final int MAX_EXTENSIONS = 32;
    /** Longest extension attribute name: CloudEvents names are a-z and 0-9, "SHOULD NOT exceed 20 characters". */
    public static final int MAX_EXTENSION_NAME = 20;
    /** Longest extension attribute value (traceparent and tracestate have their own W3C formats). */
    public static final int MAX_EXTENSION_VALUE = 1_024;
    /** Longest {@code tracestate} (W3C: 32 list members; vendors propagate at least 512 characters). */
    public static final int MAX_TRACESTATE = 512;
    /** List members of a {@code tracestate} (W3C). */
    public static final int MAX_TRACESTATE_MEMBERS = 32;

    private EnvelopeLimits() {
    }
}
