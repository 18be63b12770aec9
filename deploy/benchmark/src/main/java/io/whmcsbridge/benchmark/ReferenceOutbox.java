package io.whmcsbridge.benchmark;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The reference pipeline's durable step, on its own thread: answered commands are taken in batches (whatever
 * arrived while the previous batch was committing, so a batch grows with the load), inserted in one statement (one
 * transaction: the audit row holds the result event, so it is also the outbox), then their results are produced
 * and each command is marked done when Kafka acknowledged it. Any failure ends the process: the offsets of what
 * was not finished were not committed, so a restart replays it.
 */
final class ReferenceOutbox implements Runnable {
    private static final int MAX_BATCH = 1000;
    private static final String INSERT = "INSERT INTO reference_audit (command_id, kafka_partition, kafka_offset, status, "
            + "result) SELECT i, p, o, s, r::jsonb FROM unnest(?::text[], ?::int[], ?::bigint[], ?::text[], ?::text[]) "
            + "AS t(i, p, o, s, r) ON CONFLICT (command_id) DO NOTHING";

    private final LinkedBlockingQueue<ReferenceCommand> queue = new LinkedBlockingQueue<>();
    private final KafkaProducer<String, byte[]> producer;
    private final String results;
    private final Connection writer;
    /** The consumer loop's own connection, for the look-ups before calls after a restart. */
    private final Connection reader;

    ReferenceOutbox(String bootstrap, String results, String jdbc, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "1");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.results = results;
        this.writer = DriverManager.getConnection(jdbc, user, password);
        this.reader = DriverManager.getConnection(jdbc, user, password);
        try (Statement s = writer.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS reference_audit (command_id TEXT PRIMARY KEY, kafka_partition INT NOT "
                    + "NULL, kafka_offset BIGINT NOT NULL, status TEXT NOT NULL, result JSONB NOT NULL, recorded_at "
                    + "TIMESTAMPTZ NOT NULL DEFAULT now())");
            // for the high-water mark read at assignment (one commands topic per table)
            s.execute("CREATE INDEX IF NOT EXISTS reference_audit_position ON reference_audit (kafka_partition, kafka_offset)");
        }
    }

    void write(ReferenceCommand c) {
        queue.add(c);
    }

    @Override
    public void run() {
        List<ReferenceCommand> batch = new ArrayList<>();
        try (PreparedStatement insert = writer.prepareStatement(INSERT)) {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, MAX_BATCH - 1);
                int n = batch.size();
                String[] ids = new String[n];
                Integer[] partitions = new Integer[n];
                Long[] offsets = new Long[n];
                String[] statuses = new String[n];
                String[] events = new String[n];
                for (int i = 0; i < n; i++) {
                    ReferenceCommand c = batch.get(i);
                    ids[i] = c.id;
                    partitions[i] = c.tp.partition();
                    offsets[i] = c.offset;
                    statuses[i] = c.status;
                    events[i] = c.event;
                }
                insert.setArray(1, writer.createArrayOf("text", ids));
                insert.setArray(2, writer.createArrayOf("int4", partitions));
                insert.setArray(3, writer.createArrayOf("int8", offsets));
                insert.setArray(4, writer.createArrayOf("text", statuses));
                insert.setArray(5, writer.createArrayOf("text", events));
                insert.executeUpdate(); // autocommit: one statement, one transaction, one WAL flush per batch
                for (ReferenceCommand c : batch) {
                    producer.send(new ProducerRecord<>(results, c.key, c.event.getBytes(StandardCharsets.UTF_8)),
                            (metadata, error) -> {
                                if (error != null) {
                                    fail(error);
                                }
                                c.done = true;
                            });
                }
                batch.clear();
            }
        } catch (Exception e) {
            fail(e);
        }
    }

    /** The stored result events of those of these commands that finished before, by command id. */
    Map<String, String> lookup(List<String> ids) {
        Map<String, String> found = new HashMap<>();
        try (PreparedStatement q = reader.prepareStatement(
                "SELECT command_id, result::text FROM reference_audit WHERE command_id = ANY(?)")) {
            Array a = reader.createArrayOf("text", ids.toArray());
            q.setArray(1, a);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            fail(e);
        }
        return found;
    }

    /** Per partition, the highest offset written: records up to it may be replays of finished commands. */
    Map<TopicPartition, Long> highWater(Collection<TopicPartition> parts) {
        Map<TopicPartition, Long> marks = new HashMap<>();
        try (PreparedStatement q = reader.prepareStatement(
                "SELECT max(kafka_offset) FROM reference_audit WHERE kafka_partition = ?")) {
            for (TopicPartition tp : parts) {
                q.setInt(1, tp.partition());
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next() && rs.getObject(1) != null) {
                        marks.put(tp, rs.getLong(1));
                    }
                }
            }
        } catch (SQLException e) {
            fail(e);
        }
        return marks;
    }

    private static void fail(Throwable e) {
        e.printStackTrace();
        Runtime.getRuntime().halt(1); // crash: what was not finished is replayed from the committed offsets
    }
}
