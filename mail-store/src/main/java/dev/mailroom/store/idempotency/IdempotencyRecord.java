package dev.mailroom.store.idempotency;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * What a write with an {@code Idempotency-Key} answered, so a retry gets the same answer. {@code
 * id} is tenant + key, unique, so concurrent first attempts race on the insert and exactly one
 * wins.
 */
@Document("idempotency_keys")
public record IdempotencyRecord(
    @Id String id,
    String tenantId,
    String requestHash,
    boolean completed,
    int status,
    String responseBody,
    Instant createdAt,
    Instant expiresAt) {

  public static String idOf(String tenantId, String key) {
    return tenantId + ":" + key;
  }
}
