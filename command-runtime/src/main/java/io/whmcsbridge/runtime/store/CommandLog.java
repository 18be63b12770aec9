package io.whmcsbridge.runtime.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.whmcsbridge.model.CommandStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;

/**
 * The audit row of one command; parameters and result are stored with secrets removed. For reads only: the row is
 * written by plain JDBC in this package (see its description), never through this entity.
 */
@Entity
@Table(name = "command_log")
public class CommandLog extends PanacheEntityBase {
    @Id
    @Column(name = "command_id")
    public String commandId;
    public String type;
    public String action;
    @Column(name = "ordering_key")
    public String orderingKey;
    public String source;
    public String instance;
    @Enumerated(EnumType.STRING)
    public CommandStatus status;
    @JdbcTypeCode(SqlTypes.JSON)
    public String params;
    /** The whole result event, as published. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String result;
    @Column(name = "result_event_id")
    public String resultEventId;
    @Column(name = "error_code")
    public String errorCode;
    public int attempts;
    @Column(name = "received_at")
    public Instant receivedAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "completed_at")
    public Instant completedAt;
    @Column(name = "kafka_topic")
    public String kafkaTopic;
    @Column(name = "kafka_partition")
    public Integer kafkaPartition;
    @Column(name = "kafka_offset")
    public Long kafkaOffset;
    @Column(name = "trace_id")
    public String traceId;
    /** The replica whose call is out while the command is {@code IN_FLIGHT}, and until when its lease runs. */
    @Column(name = "lease_holder")
    public String leaseHolder;
    @Column(name = "lease_until")
    public Instant leaseUntil;
    /** SHA-256 of a request accepted over HTTP, so a retry with the same command id can be told from a clash. */
    @Column(name = "request_sha256")
    public String requestSha256;
}
