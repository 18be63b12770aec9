package io.whmcsbridge.runtime.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Generated;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.UUID;

/**
 * An outbox row (a result, or a command accepted over HTTP), in Debezium outbox router columns: {@code aggregatetype}
 * is the topic, {@code aggregateid} the record key, {@code payload} the structured CloudEvent. For reads only: rows
 * are written by {@code outbox.Outbox} alone.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntityBase {
    @Id
    public UUID id;
    @Generated
    @Column(insertable = false, updatable = false)
    public Long seq;
    public String aggregatetype;
    public String aggregateid;
    public String type;
    @JdbcTypeCode(SqlTypes.JSON)
    public String payload;
    @JdbcTypeCode(SqlTypes.JSON)
    public String headers;
    public String tracingspancontext;
    @Column(name = "command_id")
    public String commandId;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "published_at")
    public Instant publishedAt;
}
