package io.whmcsbridge.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs a corpus of bad records (JSON lines under {@code bad-input/} on the test classpath: the common
 * {@code common.jsonl} of command-runtime plus each service's own) through a running service. Each line is
 * {@code {"name", "expect": "DLQ"|"REJECTED", "value"?: raw text, "event"?: CloudEvent JSON, "headers"?: {...},
 * "key"?: record key}}; {@code $ID}, {@code $TYPE} and {@code $FAMILY} are replaced before sending.
 */
public final class BadInputCorpus {

    public record Entry(String name, String expect, String value, JsonNode event, Map<String, String> headers,
            String key) {
    }

    /**
     * What became of one entry: {@code got} is DLQ, a result status, or MISSING; {@code reason} says why;
     * {@code next} is the status of the good command sent after it on the same key (MISSING if it never finished).
     */
    public record Outcome(Entry entry, String got, String reason, String next) {
        public boolean asExpected() {
            return entry.expect().equals(got) && reason != null && !reason.isBlank() && "SUCCEEDED".equals(next);
        }

        @Override
        public String toString() {
            return entry.name() + ": expected " + entry.expect() + ", got " + got + " (" + reason + "); the good command "
                    + "after it on its key: " + next;
        }
    }

    private BadInputCorpus() {
    }

    public static List<Entry> load(String... resources) {
        List<Entry> entries = new ArrayList<>();
        for (String resource : resources) {
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalArgumentException("no corpus " + resource + " on the classpath");
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode n = Json.MAPPER.readTree(line);
                    Map<String, String> headers = new HashMap<>();
                    for (Iterator<Map.Entry<String, JsonNode>> it = n.path("headers").fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> h = it.next();
                        headers.put(h.getKey(), h.getValue().asText());
                    }
                    entries.add(new Entry(n.path("name").asText(), n.path("expect").asText(),
                            n.hasNonNull("value") ? n.get("value").asText() : null, n.get("event"), headers,
                            n.hasNonNull("key") ? n.get("key").asText() : null));
                }
            } catch (IOException e) {
                throw new IllegalStateException(resource, e);
            }
        }
        return entries;
    }

    /**
     * Sends every entry, each followed by a copy of the good command (its own id) on the same record key, then the good
     * command itself, and collects what became of each: a bad record must not hold up the next command of its key.
     *
     * @param type a valid command type of the service, for {@code $TYPE}
     * @param good a valid command, sent after each entry (as a copy) and after the corpus: it must still be processed
     */
    public static List<Outcome> run(BridgeTestClient client, String family, String type, List<Entry> entries,
            CloudEvent good, Duration timeout) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> nextIds = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            String id = "corpus-" + run + "-" + i;
            String key = e.key() != null ? e.key() + "-" + run + "-" + i : "corpus-" + run + "-" + i;
            RecordHeaders headers = new RecordHeaders();
            String idInRecord = null;
            for (Map.Entry<String, String> h : e.headers().entrySet()) {
                String v = fill(h.getValue(), id, type, family);
                headers.add(h.getKey(), v.getBytes(StandardCharsets.UTF_8));
                if (h.getKey().equals("ce_id")) {
                    idInRecord = v;
                }
            }
            String value;
            if (e.event() != null) {
                value = fill(e.event().toString(), id, type, family);
                JsonNode sentId = readOrNull(value);
                idInRecord = sentId == null ? null : sentId.path("id").asText(null);
                if (e.headers().isEmpty()) {
                    headers.add("content-type", CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
                }
            } else {
                value = e.value() == null ? "" : fill(e.value(), id, type, family);
            }
            ids.add(idInRecord);
            keys.add(key);
            client.sendRaw(key, value.getBytes(StandardCharsets.UTF_8), headers);
            CloudEvent next = new CloudEvent(good.specversion(), id + "-next", good.source(), good.type(), good.subject(),
                    good.time(), good.datacontenttype(), good.data(), good.extensions());
            client.send(key, next);
            nextIds.add(next.id());
        }
        client.send("corpus-good-" + run, good);
        client.awaitResult(good.id(), timeout);

        List<Outcome> outcomes = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, byte[]>> dlq = client.dlqRecords();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            String key = keys.get(i);
            Outcome found = null;
            while (found == null) {
                for (ConsumerRecord<String, byte[]> r : dlq) {
                    if (key.equals(r.key())) {
                        found = new Outcome(e, "DLQ", BridgeTestClient.header(r, "dead-letter-reason"), null);
                    }
                }
                String id = ids.get(i);
                if (found == null && id != null) {
                    List<CloudEvent> results = client.results(id);
                    if (!results.isEmpty()) {
                        JsonNode data = results.get(0).data();
                        found = new Outcome(e, data.path("status").asText(), data.path("error").path("message").asText(null), null);
                    }
                }
                if (found == null) {
                    if (System.nanoTime() > deadline) {
                        found = new Outcome(e, "MISSING", "no DLQ record and no result within " + timeout, null);
                    } else {
                        sleep();
                        dlq = client.dlqRecords();
                    }
                }
            }
            String next = null;
            while (next == null) {
                List<CloudEvent> results = client.results(nextIds.get(i));
                if (!results.isEmpty()) {
                    next = results.get(0).data().path("status").asText();
                } else if (System.nanoTime() > deadline) {
                    next = "MISSING";
                } else {
                    sleep();
                }
            }
            outcomes.add(new Outcome(e, found.got(), found.reason(), next));
        }
        return outcomes;
    }

    /**
     * Loads the common corpus and the service's own ({@code bad-input/<family>.jsonl}), runs it with a good command
     * after it, and asserts what a service must do with bad input: every record REJECTED or dead-lettered with a
     * reason, the good command after each one on its key and the one after them all processed, nothing but those
     * reaching the API.
     *
     * @param type     a valid command type, for {@code $TYPE}
     * @param apiCalls how many calls the API has seen so far
     * @return a one-line summary for the test's output
     */
    public static String assertHandled(BridgeTestClient client, String family, String type, CloudEvent good,
            java.util.function.IntSupplier apiCalls) {
        List<Entry> corpus = load("bad-input/common.jsonl", "bad-input/" + family + ".jsonl");
        org.junit.jupiter.api.Assertions.assertTrue(corpus.size() >= 50, "at least 50 bad records, got " + corpus.size());
        int before = apiCalls.getAsInt();
        List<Outcome> outcomes = run(client, family, type, corpus, good, Duration.ofSeconds(60));
        List<String> wrong = outcomes.stream().filter(o -> !o.asExpected()).map(Object::toString).toList();
        org.junit.jupiter.api.Assertions.assertTrue(wrong.isEmpty(), "records not handled as expected:\n" + String.join("\n", wrong));
        org.junit.jupiter.api.Assertions.assertEquals(before + corpus.size() + 1, apiCalls.getAsInt(),
                "only the good commands reached the API (one after each bad record, one after them all)");
        assertLabelsFromCatalogue();
        String summary = String.format("%s bad-input corpus: %d records, %d to the DLQ, %d REJECTED", family, outcomes.size(),
                outcomes.stream().filter(o -> o.got().equals("DLQ")).count(),
                outcomes.stream().filter(o -> o.got().equals("REJECTED")).count());
        System.out.println(summary);
        return summary;
    }

    /**
     * The service's {@code action} metric labels are its catalogue's actions or {@code unknown}: the corpus' made-up
     * types (each would be a new time series) are all counted as {@code unknown}.
     */
    static void assertLabelsFromCatalogue() {
        java.util.Set<String> allowed = new java.util.HashSet<>();
        io.quarkus.arc.Arc.container().select(io.whmcsbridge.runtime.catalogue.ActionCatalogue.class).get().actions()
                .forEach(a -> allowed.add(a.action()));
        allowed.add("unknown");
        String port = System.getProperty("quarkus.http.test-port",
                org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.http.test-port", String.class));
        String metrics;
        try {
            metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://localhost:" + port + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        java.util.Set<String> labels = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^whmcs_(?:commands_total|api_call_seconds_count)\\{[^}]*action=\"([^\"]*)\"")
                .matcher(metrics);
        while (m.find()) {
            labels.add(m.group(1));
        }
        org.junit.jupiter.api.Assertions.assertTrue(labels.contains("unknown"), "unknown types are counted: " + labels);
        labels.removeAll(allowed);
        org.junit.jupiter.api.Assertions.assertTrue(labels.isEmpty(), "action labels not in the catalogue: " + labels);
    }

    private static String fill(String text, String id, String type, String family) {
        return text.replace("$ID", id).replace("$TYPE", type).replace("$FAMILY", family);
    }

    private static JsonNode readOrNull(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            return null;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
