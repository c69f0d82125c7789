package dev.mailroom.store.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One event owed to one endpoint, persisted before the Kafka record is acknowledged so a restart
 * loses none. {@code webhookId} is the Standard Webhooks {@code webhook-id}: the same for every
 * attempt and replay, so receivers dedupe on it. {@code payload} is rendered once, so every attempt
 * carries the same bytes. {@code leaseUntil} marks an attempt in flight; an expired lease (a
 * crashed dispatcher) makes the delivery due again. {@code scheduleIndex} counts the attempts of
 * the current round, which a replay starts afresh; {@code attemptCount} counts them all.
 */
@Document("webhook_deliveries")
public record WebhookDelivery(
    @Id String id,
    String tenantId,
    String endpointId,
    String webhookId,
    String eventType,
    String mailboxId,
    String payload,
    DeliveryStatus status,
    int attemptCount,
    int scheduleIndex,
    Instant nextAttemptAt,
    Instant leaseUntil,
    List<DeliveryAttempt> attempts,
    Instant createdAt,
    Instant updatedAt) {

  /** Not leased: the epoch, so "lease expired" is one comparison, never a null check. */
  public static final Instant NO_LEASE = Instant.EPOCH;

  public WebhookDelivery {
    attempts = attempts == null ? List.of() : List.copyOf(attempts);
  }

  /** Derived from the event and the endpoint, so a redelivered Kafka record inserts nothing new. */
  public static String idOf(String webhookId, String endpointId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((webhookId + "\n" + endpointId).getBytes(StandardCharsets.UTF_8));
      return "dlv_" + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** MongoDB keeps milliseconds; a lease compared by equality must be the value the store holds. */
  public static Instant millis(Instant instant) {
    return instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  /** A new pending delivery, optionally already leased by the dispatcher that will attempt it. */
  public static WebhookDelivery pending(
      String tenantId,
      String endpointId,
      String webhookId,
      String eventType,
      String mailboxId,
      String payload,
      Instant now,
      Instant leaseUntil) {
    return new WebhookDelivery(
        idOf(webhookId, endpointId),
        tenantId,
        endpointId,
        webhookId,
        eventType,
        mailboxId,
        payload,
        DeliveryStatus.PENDING,
        0,
        0,
        millis(now),
        leaseUntil == null ? NO_LEASE : millis(leaseUntil),
        List.of(),
        millis(now),
        millis(now));
  }
}
