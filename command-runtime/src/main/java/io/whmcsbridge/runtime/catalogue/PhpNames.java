package io.whmcsbridge.runtime.catalogue;

/**
 * Parameter names as a PHP API reads them: what {@link ActionSpec#reserves} compares with the names the service sends
 * itself, so no spelling of a reserved name gets past the validator. Here and not in {@code api.PhpForm}, whose
 * package depends on this one.
 */
public final class PhpNames {
    private PhpNames() {
    }

    /**
     * The variable a PHP script reads a form or query field {@code name} as (its top-level key in {@code $_POST} or
     * {@code $_GET}), following PHP's own normalisation: the name ends at a NUL, leading spaces are dropped, spaces
     * and dots become underscores, and a {@code [} with a {@code ]} after it starts an array whose name is what comes
     * before it (an unclosed {@code [} becomes an underscore).
     */
    public static String baseName(String name) {
        int nul = name.indexOf('\0');
        String n = nul >= 0 ? name.substring(0, nul) : name;
        int start = 0;
        while (start < n.length() && n.charAt(start) == ' ') {
            start++;
        }
        StringBuilder b = new StringBuilder(n.length() - start);
        for (int i = start; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == ' ' || c == '.') {
                b.append('_');
            } else if (c == '[') {
                if (n.indexOf(']', i + 1) >= 0) {
                    break;
                }
                b.append('_').append(n, i + 1, n.length());
                break;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
