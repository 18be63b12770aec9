package io.whmcsbridge.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.CommandData;
import io.whmcsbridge.model.UnreadableCommandException;
import io.whmcsbridge.runtime.api.PhpForm;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.Param;
import io.whmcsbridge.runtime.catalogue.ParamValidator;
import io.whmcsbridge.runtime.catalogue.PhpNames;
import io.whmcsbridge.runtime.redaction.Redactor;
import jakarta.ws.rs.core.MultivaluedMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property-based fuzzing of what a hostile emitter reaches: the command decoder, the parameter validator, the form
 * encoder and the redactor. For any input the outcome is a decoded command, a rejection or a DLQ reason, within a
 * bounded time and without an uncaught exception; and an encoded form never carries a field the bridge did not mean
 * to send. Inputs per property: {@code fuzz.tries} (300 in the normal build; {@code -Dfuzz.tries=100000} for a long
 * run, see command-runtime/README.md).
 */
class HostileInputFuzzTest {
    /** Longest any single input may take; generous, the machine is shared. The normal case is well under 10 ms. */
    static final long MAX_MILLIS = 2_000;
    static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /** What a gateway sends itself, like billing's core API fields. */
    static final Map<String, String> BRIDGE_FIELDS = Map.of("action", "GetClients", "identifier", "ID", "secret", "SECRET",
            "responsetype", "json");
    static final ActionSpec OPEN = ActionSpec.builder("whmcs.core.GetClients", "GetClients").openParams().idempotent(true)
            .reserved(BRIDGE_FIELDS.keySet()).build();
    static final ActionSpec TYPED = ActionSpec.builder("whmcs.test.pay", "pay").reserved(BRIDGE_FIELDS.keySet())
            .params(Param.id("invoice_id"), Param.money("amount").positive(), Param.integer("count").min(0).max(1000),
                    Param.bool("notify"), Param.date("date"), Param.email("email"), Param.oneOf("method", "card", "bank"),
                    Param.string("note").maxLength(255), Param.list("ids"), Param.object("profile"), Param.any("extra"))
            .build();
    static final Redactor REDACTOR = Redactor.of(Set.of("identifier"), List.of("s3cr3t-credential-value"));

    static final Map<String, AtomicLong> INPUTS = new java.util.concurrent.ConcurrentHashMap<>();
    static final Map<String, AtomicLong> NANOS = new java.util.concurrent.ConcurrentHashMap<>();

    @AfterContainer
    static void figures() {
        INPUTS.forEach((name, n) -> System.out.printf("fuzz %-22s %7d inputs, %6d ms%n", name, n.get(),
                NANOS.get(name).get() / 1_000_000));
    }

    private static long timed(String property, Runnable body) {
        long start = System.nanoTime();
        body.run();
        long took = System.nanoTime() - start;
        INPUTS.computeIfAbsent(property, k -> new AtomicLong()).incrementAndGet();
        NANOS.computeIfAbsent(property, k -> new AtomicLong()).addAndGet(took);
        assertTrue(took / 1_000_000 < MAX_MILLIS, property + " took " + took / 1_000_000 + " ms");
        return took;
    }

    // ---------------------------------------------------------------------------------------------------- properties

    /** Random bytes, random JSON and random envelopes: decoded, or refused with a reason; never anything else. */
    @Property
    void theDecoderReadsOrRefusesEveryRecord(@ForAll("records") Record record) {
        timed("decoder", () -> {
            CloudEvent event;
            try {
                event = CloudEventCodec.read(record.value(), record.headers());
            } catch (UnreadableCommandException e) {
                assertNotNull(e.getMessage());
                assertFalse(e.getMessage().isBlank());
                assertTrue(e.getMessage().length() < 1_000, "a DLQ reason fits a header: " + e.getMessage().length());
                assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), "a DLQ reason has no control characters");
                return;
            }
            assertNotNull(event.id());
            CommandData data = CloudEventCodec.commandData(event);
            REDACTOR.redact(event.data());
            if (data != null) {
                checkCommand(data.params());
            }
        });
    }

    /** Random parameters straight to the validator (as HTTP ingress sends them): a result, never an exception. */
    @Property
    void theValidatorRefusesOrAcceptsEveryParameterSet(@ForAll("params") ObjectNode params) {
        timed("validator", () -> checkCommand(params));
    }

    /** Any names and values: the encoded form reads back as exactly those pairs, whatever the names hold. */
    @Property
    void theFormEncoderKeepsNamesAndValuesApart(@ForAll("pairs") List<Map.Entry<String, String>> pairs) {
        timed("form encoder", () -> {
            MultivaluedMap<String, String> form = new jakarta.ws.rs.core.MultivaluedHashMap<>();
            pairs.forEach(p -> form.add(p.getKey(), p.getValue()));
            List<Map.Entry<String, String>> expected = new ArrayList<>();
            form.forEach((k, vs) -> vs.forEach(v -> expected.add(Map.entry(utf8(k), utf8(v)))));
            assertEquals(expected, parse(PhpForm.body(form)));
            if (form.keySet().stream().map(HostileInputFuzzTest::utf8).distinct().count() < form.size()) {
                // found by the long run: names differing only in halves of surrogate pairs (the validator refuses
                // such names before any gateway) must be refused here, not merged into one query parameter
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> PhpForm.query(form));
                return;
            }
            Map<String, String> query = PhpForm.query(form);
            String uri = io.whmcsbridge.runtime.api.PhpFormTest.queryUri(query);
            List<Map.Entry<String, String>> sent = new ArrayList<>();
            form.forEach((k, vs) -> sent.add(Map.entry(utf8(k), utf8(vs.get(0)))));
            assertEquals(sent, parse(uri.contains("?") ? uri.substring(uri.indexOf('?') + 1) : ""), "the query reads back as the pairs sent");
        });
    }

    /** The redactor copes with any text and any tree, and a configured credential never survives it. */
    @Property
    void theRedactorMasksAndNeverThrows(@ForAll("texts") String text, @ForAll("values") JsonNode tree) {
        timed("redactor", () -> {
            String masked = REDACTOR.redactText(text + " s3cr3t-credential-value " + text);
            assertFalse(masked.contains("s3cr3t-credential-value"));
            ObjectNode node = NODES.objectNode();
            node.set("tree", tree);
            node.put("password", text);
            node.put("note", "\"token\":\"" + text + "\"");
            JsonNode redacted = REDACTOR.redact(node);
            assertEquals(Redactor.MASK, redacted.get("password").asText());
            assertFalse(redacted.toString().contains("s3cr3t-credential-value"));
        });
    }

    // ------------------------------------------------------------------------------------------------------ oracles

    /**
     * Validates against an open and a typed action; redacts; and where the parameters are valid, encodes them as a
     * gateway does (its own fields added) and reads the form back as PHP would: only the caller's top-level names and
     * the gateway's fields arrive, and each of the gateway's fields exactly once, with its value.
     */
    static void checkCommand(ObjectNode params) {
        for (ActionSpec spec : List.of(OPEN, TYPED)) {
            REDACTOR.redact(params, spec);
            ParamValidator.Result r = ParamValidator.validate(spec, params);
            if (!r.valid()) {
                assertFalse(r.violations().isEmpty());
                assertTrue(r.message().startsWith("invalid parameters: "));
                continue;
            }
            MultivaluedMap<String, String> form = PhpForm.encode(r.params());
            BRIDGE_FIELDS.forEach(form::putSingle);
            Map<String, Integer> bridgeSeen = new HashMap<>();
            Set<String> callerBases = new java.util.HashSet<>();
            r.params().fieldNames().forEachRemaining(n -> {
                if (hasScalar(r.params().get(n))) {
                    callerBases.add(PhpNames.baseName(n).toLowerCase(Locale.ROOT));
                }
            });
            Set<String> arrived = new java.util.HashSet<>();
            for (Map.Entry<String, String> field : parse(PhpForm.body(form))) {
                String base = PhpNames.baseName(field.getKey()).toLowerCase(Locale.ROOT);
                arrived.add(base);
                if (BRIDGE_FIELDS.containsKey(base)) {
                    assertEquals(base, field.getKey(), "a bridge field arrives under its own name only");
                    assertEquals(BRIDGE_FIELDS.get(base), field.getValue());
                    bridgeSeen.merge(base, 1, Integer::sum);
                } else {
                    assertTrue(callerBases.contains(base), "a field nobody meant to send: " + field.getKey());
                }
            }
            assertEquals(BRIDGE_FIELDS.keySet(), bridgeSeen.keySet());
            assertTrue(bridgeSeen.values().stream().allMatch(n -> n == 1), "each bridge field once: " + bridgeSeen);
            Set<String> expected = new java.util.HashSet<>(callerBases);
            expected.addAll(BRIDGE_FIELDS.keySet());
            assertEquals(expected, arrived, "the names sent are the names meant");
        }
    }

    static boolean hasScalar(JsonNode n) {
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isContainerNode()) {
            return true;
        }
        for (JsonNode c : n) {
            if (hasScalar(c)) {
                return true;
            }
        }
        return false;
    }

    /** An {@code application/x-www-form-urlencoded} body read as PHP reads it: split at {@code &}, then the first {@code =}. */
    static List<Map.Entry<String, String>> parse(String body) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        if (body.isEmpty()) {
            return fields;
        }
        for (String pair : body.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            fields.add(Map.entry(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8)));
        }
        return fields;
    }

    /** What UTF-8 makes of a Java string (an unpaired surrogate becomes '?'). */
    static String utf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    // --------------------------------------------------------------------------------------------------- generators

    record Record(byte[] value, Map<String, String> headers) {
        @Override
        public String toString() {
            String v = value == null ? "null" : new String(value, StandardCharsets.UTF_8);
            return "Record[" + (v.length() > 300 ? v.substring(0, 300) + "... (" + v.length() + ")" : v) + ", headers=" + headers + "]";
        }
    }

    /** Text a hostile emitter would try: control characters, separators, brackets, long runs, lone surrogates. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> nasty = Arbitraries.strings().withChars("&=[]%+ .\t\n\r\u0000\u001b\u007f\u0085\u2028\u202e\ud800\udc00\"\\'<>;aZ9_-")
                .ofMaxLength(40);
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(30);
        Arbitrary<String> words = Arbitraries.of("action", "ACTION", " action", "action[]", "action[x]", "act.ion", "api.username",
                "Identifier", "secret", "responsetype", "x=1&action=UpdateModuleConfiguration&moduleType=gateway&y",
                "a%26b", "\"password\":\"", "token=", "<secret>", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                "12.50", "1e1000000000", "1e-100000000", "", "amount", "invoice_id", "profile", "ids", "extra", "count");
        Arbitrary<String> longRun = Combinators.combine(Arbitraries.of("x", "\\\\a", "ab", "\"", "&", "\u0000"),
                Arbitraries.integers().between(1_000, 70_000)).as((unit, n) -> unit.repeat(n / unit.length()));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, nasty), net.jqwik.api.Tuple.of(3, any), net.jqwik.api.Tuple.of(4, words),
                net.jqwik.api.Tuple.of(1, longRun));
    }

    /** Numbers as JSON text, including the hostile ones. */
    @Provide
    Arbitrary<String> numberTexts() {
        Arbitrary<String> exponent = Combinators.combine(Arbitraries.of("1", "-7.5", "0.1", "9"), Arbitraries.of("e", "E", "e+", "e-"),
                Arbitraries.oneOf(Arbitraries.integers().between(0, 2_000), Arbitraries.of(400, 1_000, 1_001, 2_000_000, 100_000_000, 1_000_000_000)))
                .as((m, e, x) -> m + e + x);
        Arbitrary<String> digits = Arbitraries.integers().between(1, 1_200).map(n -> "9".repeat(n));
        Arbitrary<String> small = Arbitraries.bigDecimals().between(new BigDecimal("-1e6"), new BigDecimal("1e6")).ofScale(3)
                .map(BigDecimal::toPlainString);
        return Arbitraries.oneOf(exponent, digits, small, Arbitraries.of("0", "-0", "1", "12.50", "1e3", "20"));
    }

    /** JSON values: scalars of every kind, hostile numbers, deep nesting, long lists, hostile keys. */
    @Provide
    Arbitrary<JsonNode> values() {
        return Arbitraries.lazyOf(
                () -> texts().map(NODES::textNode),
                () -> numberTexts().map(t -> NODES.numberNode(new BigDecimal(t))),
                () -> Arbitraries.of(NODES.booleanNode(true), NODES.nullNode(), DoubleNode.valueOf(Double.NaN),
                        DoubleNode.valueOf(Double.POSITIVE_INFINITY), DoubleNode.valueOf(0.1),
                        NODES.numberNode(new BigDecimal(BigInteger.ONE, -1_000_000_000)),
                        NODES.numberNode(new BigDecimal(BigInteger.ONE, 100_000_000)),
                        NODES.numberNode(BigInteger.TEN.pow(2_000)), NODES.numberNode(Long.MIN_VALUE)),
                () -> values().list().ofMaxSize(4).map(HostileInputFuzzTest::array),
                () -> Arbitraries.maps(texts(), values()).ofMaxSize(4).map(HostileInputFuzzTest::object),
                () -> Combinators.combine(Arbitraries.integers().between(1, 100), Arbitraries.of("[", "{\"a\":"))
                        .as(HostileInputFuzzTest::nested),
                () -> Arbitraries.integers().between(900, 3_000).map(n -> {
                    ArrayNode a = NODES.arrayNode();
                    for (int i = 0; i < n; i++) {
                        a.add(i);
                    }
                    return a;
                }));
    }

    /**
     * Parameter sets: mostly plausible names (the typed action's, open ones, the gateway's own in other cases and
     * PHP spellings) with plausible values, so that many sets are valid and reach the form check; the rest hostile.
     */
    @Provide
    Arbitrary<ObjectNode> params() {
        Arbitrary<String> plausible = Arbitraries.of("amount", "invoice_id", "count", "notify", "date", "email", "method",
                "note", "ids", "profile", "extra", "clientid", "limitnum", "search.term", "x-y", "ACTION", "Action",
                "Identifier", "SECRET", "ResponseType", "action.x", "secret_", "_action");
        Arbitrary<JsonNode> benign = Arbitraries.oneOf(Arbitraries.integers().between(0, 1000).map(i -> (JsonNode) NODES.numberNode(i)),
                Arbitraries.strings().alpha().ofMaxLength(12).map(t -> (JsonNode) NODES.textNode(t)),
                Arbitraries.<JsonNode>of(NODES.textNode("12.50"), NODES.textNode("2026-01-31"), NODES.textNode("a@b.io"),
                        NODES.textNode("card"), NODES.booleanNode(false), NODES.numberNode(new BigDecimal("7.25"))),
                Arbitraries.maps(plausible, Arbitraries.strings().alpha().ofMaxLength(5).map(t -> (JsonNode) NODES.textNode(t))).ofMaxSize(3)
                        .map(m -> (JsonNode) object(m)),
                Arbitraries.integers().between(1, 99).map(i -> (JsonNode) NODES.numberNode(i)).list().ofMaxSize(3).map(l -> (JsonNode) array(l)));
        Arbitrary<String> names = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, plausible), net.jqwik.api.Tuple.of(1, texts()));
        Arbitrary<JsonNode> vals = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, benign), net.jqwik.api.Tuple.of(1, values()));
        return Arbitraries.maps(names, vals).ofMaxSize(4).map(HostileInputFuzzTest::object);
    }

    @Provide
    Arbitrary<List<Map.Entry<String, String>>> pairs() {
        return Combinators.combine(texts(), texts()).as(Map::entry).list().ofMaxSize(8);
    }

    /** Records: random bytes, random JSON, and envelopes with hostile attributes, extensions and data. */
    @Provide
    Arbitrary<Record> records() {
        Arbitrary<Record> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(200).map(b -> new Record(b, Map.of()));
        Arbitrary<Record> json = values().map(v -> new Record(v.toString().getBytes(StandardCharsets.UTF_8), Map.of()));
        Arbitrary<String> attribute = Arbitraries.oneOf(texts(), Arbitraries.of("1.0", "c-1", "whmcs.billing.apply_credit", "s",
                "2026-11-22T10:00:00Z", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "congo=t61rcWkgMzE"));
        Arbitrary<String> attrName = Arbitraries.oneOf(Arbitraries.of("specversion", "id", "source", "type", "subject", "time",
                "datacontenttype", "dataschema", "traceparent", "tracestate", "partitionkey"), texts());
        Arbitrary<Map<String, String>> attributes = Arbitraries.maps(attrName, attribute).ofMaxSize(6);
        Arbitrary<Record> structured = Combinators.combine(attributes, params(), Arbitraries.of(true, false), numberTexts())
                .as((attrs, params, rawNumber, number) -> {
                    ObjectNode e = NODES.objectNode().put("specversion", "1.0").put("id", "c-1").put("source", "s")
                            .put("type", "whmcs.core.GetClients");
                    attrs.forEach(e::put);
                    e.putObject("data").set("params", params);
                    String text = e.toString();
                    if (rawNumber) {
                        // a number exactly as an emitter wrote it, not as Jackson would write it back
                        text = text.substring(0, text.length() - 3) + (params.isEmpty() ? "" : ",") + "\"raw\":" + number + "}}}";
                    }
                    return new Record(text.getBytes(StandardCharsets.UTF_8), Map.of());
                });
        Arbitrary<Record> binary = Combinators.combine(attributes, params()).as((attrs, params) -> {
            Map<String, String> headers = new HashMap<>();
            headers.put("ce_specversion", "1.0");
            headers.put("ce_id", "c-1");
            headers.put("ce_source", "s");
            headers.put("ce_type", "whmcs.core.GetClients");
            headers.put("content-type", "application/json");
            attrs.forEach((k, v) -> headers.put("ce_" + k.toLowerCase(Locale.ROOT), v));
            return new Record(NODES.objectNode().<ObjectNode>set("params", params).toString().getBytes(StandardCharsets.UTF_8), headers);
        });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, bytes), net.jqwik.api.Tuple.of(1, json),
                net.jqwik.api.Tuple.of(4, structured), net.jqwik.api.Tuple.of(2, binary));
    }

    static ArrayNode array(List<JsonNode> items) {
        ArrayNode a = NODES.arrayNode();
        items.forEach(a::add);
        return a;
    }

    static ObjectNode object(Map<String, JsonNode> fields) {
        ObjectNode o = NODES.objectNode();
        fields.forEach(o::set);
        return o;
    }

    static JsonNode nested(int depth, String opener) {
        JsonNode inner = NODES.numberNode(1);
        for (int i = 0; i < depth; i++) {
            inner = opener.equals("[") ? NODES.arrayNode().add(inner) : NODES.objectNode().set("a", inner);
        }
        return inner;
    }
}
