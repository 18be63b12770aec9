package io.whmcsbridge.runtime.ops;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricLabelsTest {

    @Test
    void madeUpTypesShareOneLabel() {
        MetricLabels labels = new MetricLabels(Set.of("create", "GetClients"));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(labels.action("whmcs.abuse.made_up_" + i));
        }
        assertEquals(Set.of("unknown"), seen, "20 made-up types, one series");
        assertEquals("create", labels.action("create"));
        assertEquals("GetClients", labels.action("GetClients"));
        assertEquals("unknown", labels.action(null));
        assertEquals("unknown", labels.action("getclients"));
    }
}
