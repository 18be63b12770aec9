package io.whmcsbridge.runtime.ingress;

import io.whmcsbridge.runtime.config.BridgeConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What API keys and OIDC roles may do, and how their configuration is read. */
class IngressScopesTest {
    static final String HASH_A = Sha256.hex("key-a");
    static final String HASH_B = Sha256.hex("key-b");

    record Key(Optional<String> shortForm, Optional<String> sha256, Optional<List<String>> types,
            Optional<List<String>> webhooks, boolean readAll, boolean admin) implements BridgeConfig.Ingress.ApiKey {
        static Key full(String hash, String types, boolean readAll, boolean admin) {
            return new Key(Optional.empty(), Optional.of(hash),
                    types == null ? Optional.empty() : Optional.of(Arrays.asList(types.split(","))), Optional.empty(), readAll, admin);
        }

        static Key shortOf(String hash) {
            return new Key(Optional.of(hash), Optional.empty(), Optional.empty(), Optional.empty(), false, false);
        }
    }

    @Test
    void typePatternsAreExactPrefixesOrEverything() {
        Scopes s = new Scopes(List.of("whmcs.abuse.create", "whmcs.core.*"), Set.of(), false, false);
        assertTrue(s.maySend("whmcs.abuse.create"));
        assertFalse(s.maySend("whmcs.abuse.created"));
        assertFalse(s.maySend("whmcs.abuse.close"));
        assertTrue(s.maySend("whmcs.core.GetClients"));
        assertFalse(s.maySend("whmcs.corex.GetClients"), "a prefix ends at a dot");
        assertFalse(s.maySend("whmcs.core"));
        assertFalse(s.maySend(null));
        assertTrue(Scopes.ALL.maySend("whmcs.anything.at-all"));
        assertFalse(Scopes.NONE.maySend("whmcs.abuse.create"));

        assertNull(Scopes.problem("*"));
        assertNull(Scopes.problem("whmcs.abuse.*"));
        assertNull(Scopes.problem("whmcs.abuse.create"));
        for (String bad : List.of("", "whmcs.*.create", "whmcs.abuse*", ".*", "whmcs..create", "who knows")) {
            assertNotNull(Scopes.problem(bad), bad);
        }
    }

    @Test
    void theShortFormSendsEverythingOfTheServiceAndTheFullFormOnlyWhatItLists() {
        List<IngressAuth.Key> keys = IngressAuth.read(Map.of(
                "monitoring", Key.shortOf(HASH_A.toUpperCase()),
                "ops", Key.full(HASH_B, null, true, true)), null);
        IngressAuth.Key monitoring = keys.stream().filter(k -> k.name().equals("monitoring")).findFirst().orElseThrow();
        assertTrue(monitoring.scopes().maySend("whmcs.abuse.create"));
        assertTrue(monitoring.scopes().mayCall("alertmanager"));
        assertFalse(monitoring.scopes().readAll());
        assertFalse(monitoring.scopes().admin());
        assertEquals(HASH_A, HexFormat.of().formatHex(monitoring.sha256()));

        IngressAuth.Key ops = keys.stream().filter(k -> k.name().equals("ops")).findFirst().orElseThrow();
        assertFalse(ops.scopes().maySend("whmcs.abuse.create"), "nothing to send unless listed");
        assertFalse(ops.scopes().mayCall("alertmanager"));
        assertTrue(ops.scopes().readAll());
        assertTrue(ops.scopes().admin());
    }

    @Test
    void aKeyThatCannotBeReadStopsTheServiceAndAKeyWithoutAHashIsLeftOut() {
        String notHex = assertThrows(IllegalStateException.class, () -> IngressAuth.read(Map.of(
                "a", Key.full("abc", null, false, false)), null)).getMessage();
        assertTrue(notHex.contains("whmcs.ingress.api-keys.a.sha256 is not a hex SHA-256"), notHex);
        assertFalse(notHex.contains("abc"), "the configured value is not repeated");
        String both = assertThrows(IllegalStateException.class, () -> IngressAuth.read(Map.of("a", new Key(Optional.of(HASH_A),
                Optional.of(HASH_A), Optional.empty(), Optional.empty(), false, false)), null)).getMessage();
        assertTrue(both.contains("both set"), both);
        String twins = assertThrows(IllegalStateException.class, () -> IngressAuth.read(Map.of(
                "a", Key.shortOf(HASH_A), "b", Key.full(HASH_A, "*", false, true)), null)).getMessage();
        assertTrue(twins.contains("same SHA-256"), twins);
        String pattern = assertThrows(IllegalStateException.class, () -> IngressAuth.read(Map.of(
                "a", Key.full(HASH_A, "whmcs.*.create", false, false)), null)).getMessage();
        assertTrue(pattern.contains("whmcs.ingress.api-keys.a.types"), pattern);

        // docker-compose passes an unset .env variable as empty: no hash, no key
        assertEquals(List.of(), IngressAuth.read(Map.of("operator", new Key(Optional.empty(), Optional.empty(),
                Optional.of(List.of("*")), Optional.empty(), true, true)), null));
    }

    @Test
    void oidcRolesMapToTheSameScopes() {
        BridgeConfig.Ingress.Oidc names = new BridgeConfig.Ingress.Oidc() {
            public Optional<List<String>> audience() {
                return Optional.of(List.of("svc"));
            }

            public String sendRole() {
                return "whmcs-send";
            }

            public String readAllRole() {
                return "whmcs-read-all";
            }

            public String adminRole() {
                return "whmcs-admin";
            }

            public String webhookRole() {
                return "whmcs-webhook";
            }
        };
        Scopes none = IngressAuth.scopes(Set.of("offline_access", "whmcs-sender"), names);
        assertEquals(Scopes.NONE, none);
        Scopes sender = IngressAuth.scopes(Set.of("whmcs-send"), names);
        assertTrue(sender.maySend("whmcs.billing.AddCredit") && !sender.readAll() && !sender.admin() && !sender.mayCall("alertmanager"));
        Scopes one = IngressAuth.scopes(Set.of("whmcs-send:whmcs.abuse.create", "whmcs-send:not a pattern",
                "whmcs-webhook:alertmanager"), names);
        assertTrue(one.maySend("whmcs.abuse.create"));
        assertFalse(one.maySend("whmcs.abuse.close"));
        assertTrue(one.mayCall("alertmanager"));
        assertFalse(one.mayCall("other"));
        Scopes ops = IngressAuth.scopes(Set.of("whmcs-read-all", "whmcs-admin"), names);
        assertTrue(ops.readAll() && ops.admin() && !ops.maySend("whmcs.abuse.create"));
    }

    @Test
    void aCallerReadsItsOwnCommandsOnlyUnlessItMayReadAll() {
        Caller a = new Caller("a", new Scopes(List.of("*"), Set.of(), false, false));
        assertTrue(a.mayRead("http:a"));
        assertFalse(a.mayRead("http:b"));
        assertFalse(a.mayRead("http:a-b"));
        assertFalse(a.mayRead(null));
        assertTrue(new Caller("r", new Scopes(List.of(), Set.of(), true, false)).mayRead("http:b"));
        IngressProblem p = assertThrows(IngressProblem.class,
                () -> new Caller("c", new Scopes(List.of("whmcs.abuse.create"), Set.of(), false, false)).requireSend("whmcs.abuse.x"));
        assertEquals(403, p.status());
        // a webhook files its own types with the caller's name, and needs its own scope
        Caller am = new Caller("am", new Scopes(List.of(), Set.of("alertmanager"), false, false));
        assertTrue(am.asWebhook("alertmanager", List.of("whmcs.abuse.create")).scopes().maySend("whmcs.abuse.create"));
        assertEquals(403, assertThrows(IngressProblem.class, () -> a.asWebhook("alertmanager", List.of("t"))).status());
    }

    @Test
    void adminPathsAreFoundByTheirFirstSegment() {
        assertTrue(CallerFilter.firstSegmentIsAdmin("/admin/instances/x/circuit/reset"));
        assertTrue(CallerFilter.firstSegmentIsAdmin("admin"));
        assertTrue(CallerFilter.firstSegmentIsAdmin("//./Admin/x"));
        assertFalse(CallerFilter.firstSegmentIsAdmin("/commands/admin"));
        assertFalse(CallerFilter.firstSegmentIsAdmin("/administration"));
        assertFalse(CallerFilter.firstSegmentIsAdmin("/"));
    }
}
