package io.whmcsbridge.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.model.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Collects everything a service wrote (its log file, every row of every table of its database, every record of its
 * topics, headers included) so a test can assert a secret appears nowhere.
 */
public final class SecretScan {
    private final List<String> logLines;
    private final List<String> rows;
    private final List<String> records;
    private final List<Map.Entry<String, JsonNode>> answers;

    private SecretScan(List<String> logLines, List<String> rows, List<String> records,
            List<Map.Entry<String, JsonNode>> answers) {
        this.logLines = logLines;
        this.rows = rows;
        this.records = records;
        this.answers = answers;
    }

    public static SecretScan of(String family) throws Exception {
        var config = ConfigProvider.getConfig();
        Path log = Path.of(config.getOptionalValue("quarkus.log.file.path", String.class).orElse("target/quarkus-test.log"));
        List<String> logLines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        assertTrue(!logLines.isEmpty(), "the service wrote a log file at " + log);

        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
                Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT t::text FROM \"" + t + "\" t")) {
                    while (rs.next()) {
                        rows.add(t + ": " + rs.getString(1));
                    }
                }
            }
        }
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("command_log")), "the command log has rows");

        List<String> records = new ArrayList<>();
        List<Map.Entry<String, JsonNode>> answers = new ArrayList<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getValue("kafka.bootstrap.servers", String.class));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : List.of(EventTypes.commandsTopic(family), EventTypes.resultsTopic(family), EventTypes.dlqTopic(family))) {
                for (PartitionInfo i : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                    parts.add(new TopicPartition(topic, i.partition()));
                }
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            var end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(EventTypes.commandsTopic(family))) {
                        continue; // commands are the emitter's input, not what the service wrote
                    }
                    StringBuilder b = new StringBuilder(r.topic()).append(": ");
                    for (Header h : r.headers()) {
                        b.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)).append(' ');
                    }
                    if (r.value() != null) {
                        b.append(new String(r.value(), StandardCharsets.UTF_8));
                        if (r.topic().equals(EventTypes.resultsTopic(family))) {
                            answer(r.value(), answers);
                        }
                    }
                    records.add(b.toString());
                }
            }
        }
        return new SecretScan(logLines, rows, records, answers);
    }

    /** A structured-mode result event's command type and {@code data.response}, when it has one. */
    private static void answer(byte[] value, List<Map.Entry<String, JsonNode>> into) {
        try {
            JsonNode event = Json.MAPPER.readTree(value);
            String type = event.path("type").asText("");
            JsonNode response = event.path("data").path("response");
            if (type.endsWith(EventTypes.RESULT_SUFFIX) && response.isContainerNode()) {
                into.add(Map.entry(type.substring(0, type.length() - EventTypes.RESULT_SUFFIX.length()), response));
            }
        } catch (Exception e) {
            // not a structured result: searched as text only
        }
    }

    public void assertAbsent(String secret) {
        assertNoHits(secret, l -> l.contains(secret));
    }

    /**
     * For a short secret such as a six-digit one-time code, which could occur by chance inside unrelated data:
     * absent as a token of its own, i.e. not counting occurrences inside a longer run of letters and digits (UUIDs,
     * ids, offsets) or right after a '.' (fractions of seconds and amounts). {@code "code":"482913"},
     * {@code code=482913} and {@code <code>482913</code>} all count.
     */
    public void assertAbsentAsToken(String secret) {
        assertNoHits(secret, l -> containsAsToken(l, secret));
    }

    /** Whether {@code text} holds {@code secret} as a token of its own, as {@link #assertAbsentAsToken} counts it. */
    public static boolean containsAsToken(String text, String secret) {
        return Pattern.compile("(?<![\\p{Alnum}.])" + Pattern.quote(secret) + "(?!\\p{Alnum})").matcher(text).find();
    }

    private void assertNoHits(String secret, Predicate<String> contains) {
        List<String> hits = new ArrayList<>();
        logLines.stream().filter(contains).forEach(l -> hits.add("log: " + l));
        rows.stream().filter(contains).forEach(l -> hits.add("row: " + l));
        records.stream().filter(contains).forEach(l -> hits.add("event: " + l));
        assertTrue(hits.isEmpty(), "secret " + secret + " found " + hits.size() + " time(s):\n" + String.join("\n", hits));
    }

    /** Database rows ({@code "<table>: <row as text>"}) that contain {@code text}. */
    public List<String> rowsContaining(String text) {
        return rows.stream().filter(r -> r.contains(text)).toList();
    }

    /** Result and DLQ records ({@code "<topic>: <headers> <value>"}) that contain {@code text}. */
    public List<String> recordsContaining(String text) {
        return records.stream().filter(r -> r.contains(text)).toList();
    }

    /**
     * Every answer the results carried, as (command type, {@code data.response}): the field names the API (here the
     * simulator) really answered, for {@link SecretCatalogue#answers}. Values are as published (masked); names are not.
     */
    public List<Map.Entry<String, JsonNode>> answers() {
        return answers;
    }

    public int scannedLogLines() {
        return logLines.size();
    }
}
