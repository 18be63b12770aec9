package io.whmcsbridge.runtime.api;

import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.catalogue.PhpNames;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

public class PhpFormTest {

    @Test
    void namesAreEncodedAsWellAsValues() throws Exception {
        MultivaluedMap<String, String> form = PhpForm.encode(Json.MAPPER.readTree(
                "{\"x=1&action=UpdateModuleConfiguration&moduleType=gateway&y\":1,\"p\":{\"k\":\"a b&c=d\"},\"l\":[1,2]}"));
        form.putSingle("identifier", "id");
        assertEquals(java.util.Set.of("x%3D1%26action%3DUpdateModuleConfiguration%26moduleType%3Dgateway%26y=1",
                "p%5Bk%5D=a%20b%26c%3Dd", "l%5B%5D=1", "l%5B%5D=2", "identifier=id"),
                java.util.Set.of(PhpForm.body(form).split("&")));
    }

    @Test
    void theRestClientEncodesQueryNamesAndValuesItself() {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.add("a&b=c[d]", "v%41 +&=#");
        Map<String, String> query = PhpForm.query(form);
        assertEquals(Map.of("a&b=c[d]", "v%41 +&=#"), query, "left for the client to encode");
        assertEquals("http://x/p?a%26b%3Dc%5Bd%5D=v%2541+%2B%26%3D%23", queryUri(query),
                "the client's URI builder encodes names and values, % included");
    }

    /** The URI the REST client builds for a {@code @RestQuery Map} (WebTargetImpl.queryParam: clientQueryParam). */
    public static String queryUri(Map<String, String> query) {
        org.jboss.resteasy.reactive.common.jaxrs.UriBuilderImpl b = new org.jboss.resteasy.reactive.common.jaxrs.UriBuilderImpl();
        b.uri("http://x/p");
        query.forEach((k, v) -> b.clientQueryParam(k, v));
        return b.build().toString();
    }

    @Test
    void baseNameFollowsPhp() {
        assertEquals("action", PhpNames.baseName("action"));
        assertEquals("action", PhpNames.baseName("  action"));
        assertEquals("action", PhpNames.baseName("action[x]"));
        assertEquals("action", PhpNames.baseName("action\u0000junk"));
        assertEquals("api_username", PhpNames.baseName("api.username"));
        assertEquals("api_username", PhpNames.baseName("api username"));
        assertEquals("a_b.c", PhpNames.baseName("a[b.c"), "an unclosed [ becomes _ and ends the normalisation");
        assertEquals("", PhpNames.baseName("[x]"));
    }
}
