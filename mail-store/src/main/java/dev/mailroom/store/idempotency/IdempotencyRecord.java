package dev.mailroom.store.idempotency;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * What a write with an {@code Idempotency-Key} answered, so a retry gets the same answer. {@code
 * id} is tenant + key, unique, so concurrent first attempts race on the insert and exactly one
 * wins. An unfinished claim is held until {@code claimedUntil}: a request whose client went away
 * never completes or releases its key, and after that time a retry may take the key over.
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
    Instant expiresAt,
    Instant claimedUntil) {

  public static String idOf(String tenantId, String key) {
    return tenantId + ":" + key;
  }
}
