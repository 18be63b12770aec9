package io.whmcsbridge.model;

import java.util.regex.Pattern;

/**
 * W3C Trace Context ({@code traceparent}, {@code tracestate}) as CloudEvents' distributed tracing extension carries
 * it. A command's trace context is stored and copied onto its result, so only the standard's format is accepted.
 */
public final class TraceContext {
    /** {@code version-traceid-parentid-flags}; a version after 00 may carry more fields after a dash. */
    private static final Pattern TRACEPARENT = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final Pattern TRACESTATE_MEMBER = Pattern.compile(
            "(?:[a-z0-9][_0-9a-z\\-*/]{0,255}|[a-z0-9][_0-9a-z\\-*/]{0,240}@[a-z][_0-9a-z\\-*/]{0,13})"
                    + "=[\\x20-\\x2b\\x2d-\\x3c\\x3e-\\x7e]{0,255}[\\x21-\\x2b\\x2d-\\x3c\\x3e-\\x7e]");
    /** The length of a version-00 traceparent. */
    public static final int TRACEPARENT_LENGTH = 55;

    private TraceContext() {
    }

    /**
     * The traceparent as it is kept (a later version is cut to the version-00 fields it must begin with), or null
     * when it is not a W3C traceparent; {@link #traceparentProblem} says why.
     */
    public static String normaliseTraceparent(String value) {
        return traceparentProblem(value) == null ? value.substring(0, TRACEPARENT_LENGTH) : null;
    }

    /** Why {@code value} is not a W3C traceparent, or null when it is one. */
    public static String traceparentProblem(String value) {
        if (value.length() > EnvelopeLimits.MAX_EXTENSION_VALUE) {
            return "is " + value.length() + " characters long (a W3C traceparent has " + TRACEPARENT_LENGTH + ")";
        }
        var m = TRACEPARENT.matcher(value);
        if (!m.matches()) {
            return "is not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>, lower case)";
        }
        if (m.group(1).equals("ff")) {
            return "has the invalid version ff";
        }
        if (m.group(1).equals("00") && m.group(5) != null) {
            return "has fields after the flags, which version 00 does not have";
        }
        if (m.group(2).chars().allMatch(c -> c == '0')) {
            return "has an all-zero trace id";
        }
        if (m.group(3).chars().allMatch(c -> c == '0')) {
            return "has an all-zero parent id";
        }
        return null;
    }

    /** Why {@code value} is not a W3C tracestate, or null when it is one. */
    public static String tracestateProblem(String value) {
        if (value.length() > EnvelopeLimits.MAX_TRACESTATE) {
            return "is " + value.length() + " characters long (at most " + EnvelopeLimits.MAX_TRACESTATE + ")";
        }
        if (SafeText.unsafeAt(value, false) >= 0) {
            return "contains control characters";
        }
        String[] members = value.split(",", -1);
        if (members.length > EnvelopeLimits.MAX_TRACESTATE_MEMBERS) {
            return "has " + members.length + " list members (at most " + EnvelopeLimits.MAX_TRACESTATE_MEMBERS + ")";
        }
        for (String member : members) {
            String m = member.replaceAll("^ +| +$", "");
            if (!m.isEmpty() && !TRACESTATE_MEMBER.matcher(m).matches()) {
                return "has a list member that is not key=value in W3C form: " + SafeText.quote(m, 60);
            }
        }
        return null;
    }
}
