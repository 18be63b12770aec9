package io.whmcsbridge.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/** Kafka helpers of this package: an admin client, topics created and led. */
public final class Topics {
    private Topics() {
    }

    public static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15000,
                AdminClientConfig.CLIENT_ID_CONFIG, "whmcs-local-infra-admin"));
    }

    /** Creates the topics that do not exist yet, then waits until every partition of them has a leader. */
    public static void createTopics(String bootstrapServers, int partitions, String... names) {
        if (names.length == 0) {
            return;
        }
        try (Admin admin = admin(bootstrapServers)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String n : names) {
                if (!existing.contains(n)) {
                    missing.add(new NewTopic(n, partitions, (short) 1));
                }
            }
            for (NewTopic t : missing) { // one by one: a topic created concurrently must not hide the others
                try {
                    admin.createTopics(List.of(t)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (true) {
                try {
                    Map<String, TopicDescription> d = admin.describeTopics(List.of(names)).allTopicNames().get();
                    boolean led = d.values().stream().flatMap(td -> td.partitions().stream())
                            .map(TopicPartitionInfo::leader).allMatch(l -> l != null && !l.isEmpty());
                    if (led) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // UnknownTopicOrPartition while the metadata propagates
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics without a leader after 15 s: " + List.of(names));
                }
                Millis.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create topics " + List.of(names), e.getCause());
        }
    }
}
