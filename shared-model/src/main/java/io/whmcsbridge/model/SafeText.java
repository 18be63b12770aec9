package io.whmcsbridge.model;

/**
 * Checks for characters that have no business in an identifier or a log line, and quotes untrusted text for error
 * messages (which end up in logs, Kafka headers and result events).
 */
public final class SafeText {
    private SafeText() {
    }

    /**
     * Whether {@code c} is a control or formatting character that can forge or hide text: C0 controls (tab, line feed
     * and carriage return included), DEL, C1 controls, the Unicode line and paragraph separators, and the
     * bidirectional overrides and isolates.
     */
    public static boolean isUnsafe(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }

    /**
     * Index of the first unsafe character of {@code s} ({@link #isUnsafe}, or half of a surrogate pair without its
     * other half), or -1. With {@code textAllowed}, tab, line feed and carriage return are allowed (free text).
     */
    public static int unsafeAt(String s, boolean textAllowed) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (textAllowed && (c == '\t' || c == '\n' || c == '\r')) {
                continue;
            }
            if (isUnsafe(c)) {
                return i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** {@code s} in single quotes, cut to {@code max} characters, unsafe characters written as {@code \\uXXXX}. */
    public static String quote(String s, int max) {
        return s == null ? "null" : "'" + escape(s, max) + "'" + (s.length() > max ? "... (" + s.length() + " characters)" : "");
    }

    /** {@code s} cut to {@code max} characters, unsafe characters written as {@code \\uXXXX}. */
    public static String escape(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 8);
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (isUnsafe(c) || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
