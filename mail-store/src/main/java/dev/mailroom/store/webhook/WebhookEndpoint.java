package dev.mailroom.store.webhook;

import dev.mailroom.store.crypto.EncryptedSecret;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A tenant's webhook subscription: where to deliver, which event types, and optionally which
 * mailboxes (empty: all). {@code failingSince} is set by the first failed attempt after a success
 * and cleared by the next success; the dispatcher disables the endpoint once it has been failing
 * for the configured window.
 */
@Document("webhook_endpoints")
public record WebhookEndpoint(
    @Id String id,
    String tenantId,
    String url,
    List<String> eventTypes,
    List<String> mailboxIds,
    String description,
    List<EndpointSecret> secrets,
    EndpointStatus status,
    String disabledReason,
    Instant disabledAt,
    Instant failingSince,
    Instant createdAt,
    Instant updatedAt) {

  public WebhookEndpoint {
    eventTypes = eventTypes == null ? List.of() : List.copyOf(eventTypes);
    mailboxIds = mailboxIds == null ? List.of() : List.copyOf(mailboxIds);
    secrets = secrets == null ? List.of() : List.copyOf(secrets);
  }

  /** A new, enabled endpoint signing with one secret (already encrypted for this endpoint). */
  public static WebhookEndpoint created(
      String id,
      String tenantId,
      String url,
      List<String> eventTypes,
      List<String> mailboxIds,
      String description,
      EncryptedSecret secret,
      Instant now) {
    return new WebhookEndpoint(
        id,
        tenantId,
        url,
        eventTypes,
        mailboxIds,
        description,
        List.of(new EndpointSecret(secret, now, null)),
        EndpointStatus.ENABLED,
        null,
        null,
        null,
        now,
        now);
  }

  public boolean enabled() {
    return status == EndpointStatus.ENABLED;
  }

  /** Tenant-level events (no mailbox) reach every endpoint that names their type. */
  public boolean subscribesTo(String eventType, String mailboxId) {
    return eventTypes.contains(eventType)
        && (mailboxIds.isEmpty() || mailboxId == null || mailboxIds.contains(mailboxId));
  }

  /** The secrets that sign now, newest first. */
  public List<EndpointSecret> signingSecrets(Instant now) {
    return secrets.stream()
        .filter(s -> s.activeAt(now))
        .sorted((a, b) -> b.createdAt().compareTo(a.createdAt()))
        .toList();
  }
}
