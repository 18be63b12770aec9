package io.whmcsbridge.runtime.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration of one service ({@code whmcs.*}). API endpoints are named instances; a command picks one with
 * {@code data.instance}, {@code default} when absent. In production every key comes from the environment, e.g.
 * {@code WHMCS_INSTANCES_DEFAULT_BASE_URL}, {@code WHMCS_INSTANCES_DEFAULT_CREDENTIALS_API_ID}.
 * <p>Longer than 250 lines because it is a table: every whmcs.* key with its default and its documentation.
 */
@ConfigMapping(prefix = "whmcs")
public interface BridgeConfig {

    /** The API family: {@code abuse}, {@code projects}, {@code billing} or {@code reseller}. */
    String family();

    /** Named API endpoints. */
    Map<String, Instance> instances();

    Processing processing();

    Outbox outbox();

    Ingress ingress();

    /** The replicas of this service as one fleet (fleet-wide circuits, rate limits and caps). */
    Fleet fleet();

    Tracing tracing();
    /** Listing and re-driving the dead-letter topic ({@code /admin/dlq}). */
    Dlq dlq();

    interface Instance {
        /** Base URL of the WHMCS installation (the API paths are appended). */
        URI baseUrl();

        /** Credentials by the service's own keys (e.g. {@code api-id}); secrets, never logged. */
        Map<String, String> credentials();

        /** Other per-instance settings a service defines (e.g. {@code options.response-format=xml}). */
        Map<String, String> options();

        @WithDefault("5s")
        Duration connectTimeout();

        @WithDefault("30s")
        Duration readTimeout();

        /** Calls in flight at once against this instance, all replicas together (each takes its share, at least 1). */
        @WithDefault("16")
        int maxInFlight();

        /** Calls per second against this instance, all replicas together (each takes its share); 0 means unlimited. */
        @WithDefault("0")
        double rateLimit();

        /**
         * Largest answer read from this instance, in bytes, counted while it streams in: reading stops there and the
         * call ends {@code TOO_LARGE} (an invoice PDF of 5 MiB is about 6.7 MiB of base64). One cap for every
         * gateway and action.
         */
        @WithDefault("8388608")
        long maxAnswerBytes();

        /** Read-back of writes whose answer was lost, against this instance. */
        Reconcile reconcile();

        interface Reconcile {
            /**
             * How long after an uncertain call left a read-back that finds no effect counts as a certain "not applied"
             * (and the write is sent once more). Keep it above the longest a request may run inside the API (PHP's
             * {@code max_execution_time}, 30 s by default, plus any proxy timeout): a write still running there
             * must not be taken for one that never arrived. A read-back that finds the effect decides at once.
             */
            @WithDefault("120s")
            Duration settleTime();

            /**
             * Command types whose read-back needs a marker in text the customer may see (a charge's or a credit's
             * description: {@code [ref <command id>]} is appended). Off for every action unless listed here.
             */
            Optional<List<String>> markedActions();
        }
    }

    interface Processing {
        /**
         * Commands admitted (queued or in flight) per service process before the consumer waits. The consumer hands
         * over a partition's records in runs of up to {@code max.poll.records}: when a few keys' backlog fills the
         * admission, the other keys (later partitions) wait behind it with nothing in flight. 1,024 left 10 hot keys
         * at 0.62 of their bound with 7.9 s stalls; 4,096 reached 0.88 (docs/PERFORMANCE.md). A command waiting here
         * costs a few KB of heap.
         */
        @WithDefault("4096")
        int maxPending();

        /** Attempts of one call, including the first, for failures that may be retried. */
        @WithDefault("4")
        int maxAttempts();

        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("10s")
        Duration maxBackoff();

        /** Worker threads for API calls and database work; bounds the calls in flight of all instances. */
        @WithDefault("64")
        int workerThreads();

        /**
         * First wait before database work of a command that failed (not for its data) is tried again; each further
         * wait doubles, up to {@link #storeMaxRetryDelay()}, with equal jitter.
         */
        @WithDefault("500ms")
        Duration storeRetryDelay();

        /** Longest wait between two tries of a command's database work. */
        @WithDefault("30s")
        Duration storeMaxRetryDelay();

        /**
         * Failed tries of one piece of a command's database work before the command goes to the DLQ with the reason
         * (about 2 minutes at the default delays). A try counts only while the database answers other work (a
         * heartbeat, another command's commit): a database that answers nothing at all makes commands wait rather
         * than fill the DLQ. Work the database refuses for the command's data is not tried again.
         */
        @WithDefault("10")
        int storeMaxAttempts();

        /**
         * On shutdown (SIGTERM), how long calls already in flight may take to answer and have their outcome
         * committed, and then how long committed results may take to reach Kafka. Commands not started by then are
         * read again after the restart; a call still unanswered ends UNKNOWN after the restart. Keep the sum of twice
         * this and the start-up time under the orchestrator's grace period (Kubernetes: 30 s).
         */
        @WithDefault("10s")
        Duration shutdownGrace();

        /**
         * How long an {@code IN_FLIGHT} mark stays this replica's without renewal (renewed every third of it while
         * the call runs). Another replica that reads the command waits while the lease is live; once it expired (the
         * holder died) the command ends UNKNOWN. Longer means a killed replica's calls wait longer to be declared;
         * shorter risks declaring a live replica's call during a database outage longer than the lease.
         */
        @WithDefault("20s")
        Duration lease();

        /**
         * Liveness: the pipeline is stuck when commands are waiting and none has started or finished for this long.
         * Replaces the Kafka connector's age limit on unacknowledged records, which a healthy rate-limited backlog
         * exceeds (4,096 admitted commands at 5 calls/s wait 14 minutes) and which turned such a backlog into a
         * restart loop.
         */
        @WithDefault("5m")
        Duration stallAfter();

        /** Source attribute of the result events; defaults to {@code whmcs-event-bridge/<family>-service}. */
        Optional<String> eventSource();

        /** How often and how long uncertain writes are read back (state in the command log, shared by replicas). */
        Reconciling reconcile();

        interface Reconciling {
            /**
             * Read-backs of one command whose answer did not decide (the read failed, or could not be made) before
             * it ends {@code UNKNOWN} with the reason. Waiting out the settle time does not count.
             */
            @WithDefault("6")
            int maxReads();

            /** Wait before the first read-back; each further one after a read that did not decide doubles it. */
            @WithDefault("1s")
            Duration initialBackoff();

            @WithDefault("2m")
            Duration maxBackoff();

            /** How often a replica looks for read-backs that are due (one indexed query). */
            @WithDefault("1s")
            Duration pollInterval();

            /** Read-backs running at once per replica (each also takes a permit of the instance's cap). */
            @WithDefault("4")
            int concurrency();
        }
    }

    interface Outbox {
        /** Fallback poll of the outbox, for rows whose commit-time wake-up was missed. */
        @WithDefault("5s")
        Duration pollInterval();

        @WithDefault("500")
        int batchSize();

        /**
         * A row still unpublished this long after it was written is published by the sweep: its hand-over at commit
         * was lost (a crash, Kafka down for longer than the producer retries) or it belongs to another replica.
         */
        @WithDefault("5s")
        Duration sweepAfter();

        /**
         * How long acknowledged rows wait to be marked published, so one statement and one commit mark all the rows
         * of that time rather than those of each send (a commit per handful of rows at moderate rates). A row sent
         * but not yet marked when the process dies is sent again by the sweep (at least once); keep this well below
         * {@link #sweepAfter()}.
         */
        @WithDefault("200ms")
        Duration markInterval();

        /** Published rows older than this are deleted; with {@link #relayEnabled()} false, every row this old. */
        @WithDefault("7d")
        Duration retention();

        /** The service publishes its outbox itself; false when a Debezium connector relays it (deploy/debezium). */
        @WithDefault("true")
        boolean relayEnabled();

        /**
         * Failed sends of one outbox row (while Kafka takes other rows) before the sweep sets it aside: marked with
         * the reason in {@code publish_error} and no longer sent. A row Kafka refuses for itself (too large, not
         * serialisable) is set aside at its first failure.
         */
        @WithDefault("5")
        int maxPublishAttempts();
    }

    /** The HTTP ingress: REST commands, command status, webhooks. */
    interface Ingress {
        enum Auth {
            /** Bearer API keys, configured as SHA-256 hashes in {@code api-keys}. */
            API_KEY,
            /** Bearer tokens checked by quarkus-oidc ({@code quarkus.oidc.*} must be configured). */
            OIDC,
            /** No authentication: only for a local stack on a trusted machine. */
            NONE
        }

        @WithDefault("api-key")
        Auth auth();

        /**
         * Accepted API keys by name (the name is the caller's identity in the command log, and what a key may read by
         * default), each configured only as the lower-case hex SHA-256 of the key ({@code printf %s "$KEY" |
         * sha256sum}) with what it may do. The keys themselves are never configured.
         */
        Map<String, ApiKey> apiKeys();

        /** One API key: {@code api-keys.<name>.sha256} and its scopes, or the short form {@code api-keys.<name>=<hex>}. */
        interface ApiKey {
            /**
             * The short form {@code api-keys.<name>=<hex>}: the key may send every type of this service and use its
             * webhooks unless {@link #types()} / {@link #webhooks()} say otherwise.
             */
            @WithParentName
            Optional<String> shortForm();

            /** Hex SHA-256 of the key; with it, the key may do only what {@code types}, {@code webhooks}, ... list. */
            Optional<String> sha256();

            /** Command types it may send: exact ({@code whmcs.abuse.create}), {@code whmcs.abuse.*} or {@code *}. */
            Optional<List<String>> types();

            /** Webhooks it may call ({@code alertmanager}, or {@code *}). */
            Optional<List<String>> webhooks();

            /** May read every caller's commands ({@code GET /commands/{id}}), not only its own. */
            @WithDefault("false")
            boolean readAll();

            /** May use {@code /admin/*} (circuits and their reset, dead letters and their re-drive). */
            @WithDefault("false")
            boolean admin();
        }

        /** With {@code auth=oidc}: the token roles that grant the scopes API keys are configured with. */
        Oidc oidc();

        interface Oidc {
            /**
             * The audiences ({@code aud}) a token must name, one of them at least: this service's client id at the
             * provider. Required with {@code auth=oidc} (or {@code quarkus.oidc.token.audience}, used when this is
             * not set): without it, a token the issuer made for any other client would be accepted.
             */
            Optional<List<String>> audience();

            /**
             * Sends every type of this service; {@code <role>:<pattern>} (e.g. {@code whmcs-send:whmcs.abuse.create})
             * sends the types of the pattern.
             */
            @WithDefault("whmcs-send")
            String sendRole();

            /** Reads every caller's commands. */
            @WithDefault("whmcs-read-all")
            String readAllRole();

            /** {@code /admin/*}. */
            @WithDefault("whmcs-admin")
            String adminRole();

            /** Every webhook; {@code <role>:<name>} (e.g. {@code whmcs-webhook:alertmanager}) that webhook. */
            @WithDefault("whmcs-webhook")
            String webhookRole();
        }

        /** Failed authentications per client address before it is answered 429 for the rest of the window. */
        AuthFailures authFailures();

        interface AuthFailures {
            /** Failed authentications (401) from one address within {@code window} after which it gets 429. */
            @WithDefault("10")
            int max();

            @WithDefault("1m")
            Duration window();

            /** Addresses remembered at most (least recently seen forgotten first): bounds the memory. */
            @WithDefault("10000")
            int tracked();
        }

        /** Largest request body accepted; bigger requests get 413. */
        @WithDefault("65536")
        int maxBodyBytes();

        /** Longest wait a {@code GET /commands/{id}?wait=...} may ask for. */
        @WithDefault("30s")
        Duration maxWait();
    }

    interface Fleet {
        /**
         * How often a replica writes its {@code fleet_member} row and reads the circuits: a replica not seen for 5
         * heartbeats no longer counts, one that could not write its own for 3 stops calling.
         */
        @WithDefault("1s")
        Duration heartbeat();
    }

    interface Tracing {
        /**
         * An OTLP collector to export spans to; the OpenTelemetry SDK is on only with one ({@link TracingConfigSource}
         * reads it before this mapping exists and sets Quarkus' keys from it).
         */
        Optional<String> otlpEndpoint();
    }

    interface Dlq {
        /**
         * Most records one listing or re-drive reads from the dead-letter topic: the newest ones, shared out over its
         * partitions. What lies before them is neither counted nor re-driven (the answer says the scan was partial).
         */
        @WithDefault("10000")
        int maxScan();

        /** Records shown in one answer when the request does not say; at most {@link #maxPage()}. */
        @WithDefault("50")
        int pageSize();

        /** Most records one answer shows, whatever the request asks. */
        @WithDefault("500")
        int maxPage();

        /** Longest shown text (reason, key, parameters, an unreadable record's value), cut after redaction. */
        @WithDefault("500")
        int maxShownChars();
    }
}
