package dev.mailroom.store.outbox;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A command the gateway accepted, stored before it answers 2xx. {@code id} is the envelope id, so
 * republishing after a lost acknowledgement produces the same envelope and workers dedupe it.
 */
@Document("outbox")
public record OutboxRecord(
    @Id String id,
    String tenantId,
    String topic,
    String key,
    String payload,
    OutboxStatus status,
    int attempts,
    Instant createdAt,
    Instant publishedAt,
    String lastError,
    /** Set once published: from then on the record is kept for inspection only, and expires. */
    Instant expiresAt) {

  public enum OutboxStatus {
    PENDING,
    PUBLISHED
  }
}
