package io.whmcsbridge.cli;

import java.util.List;

/** The four API families; a typo is one line that lists them. */
final class Families {
    static final List<String> ALL = List.of("abuse", "projects", "billing", "reseller");

    private Families() {
    }

    static String require(String family) {
        if (!ALL.contains(family)) {
            throw new IllegalArgumentException("unknown family '" + family + "': one of " + String.join(", ", ALL));
        }
        return family;
    }
}
