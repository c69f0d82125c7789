package dev.mailroom.gateway.webhook;

import dev.mailroom.model.text.Redaction;
import dev.mailroom.store.webhook.DeliveryAttempt;
import dev.mailroom.store.webhook.DeliveryStatus;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookEndpoint;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Response bodies of {@code /v1/webhooks}. A secret appears only when it is created. */
final class WebhookViews {
  private WebhookViews() {}

  record WebhookView(
      String id,
      String url,
      List<String> eventTypes,
      List<String> mailboxIds,
      String description,
      String status,
      String disabledReason,
      Instant disabledAt,
      Instant failingSince,
      Instant createdAt,
      Instant updatedAt) {
    static WebhookView of(WebhookEndpoint e) {
      return new WebhookView(
          e.id(),
          e.url(),
          e.eventTypes(),
          e.mailboxIds(),
          e.description(),
          e.status().name().toLowerCase(Locale.ROOT),
          e.disabledReason(),
          e.disabledAt(),
          e.failingSince(),
          e.createdAt(),
          e.updatedAt());
    }
  }

  /** {@code secret} is null when an Idempotency-Key replay answers: it is never stored in clear. */
  record CreatedWebhook(WebhookView webhook, String secret) {}

  record RotatedSecret(String secret, Instant previousSecretExpiresAt) {}

  record AttemptView(
      Instant attemptedAt, Integer statusCode, long latencyMs, String error, boolean succeeded) {
    static AttemptView of(DeliveryAttempt a) {
      return new AttemptView(
          a.attemptedAt(),
          a.statusCode(),
          a.latencyMillis(),
          // The dispatcher's errors may name the address it resolved and connected to.
          Redaction.addresses(a.error()),
          a.succeeded());
    }
  }

  /**
   * One delivery of one event to one subscription.
   *
   * @param webhookId the subscription ({@code /v1/webhooks/{webhookId}}) it was delivered to
   * @param webhookMessageId the Standard Webhooks {@code webhook-id} header it was sent with: the
   *     same for every attempt, so a receiver dedupes on it
   */
  record DeliveryView(
      @Schema(description = "The delivery's id", example = "whd_0123") String id,
      @Schema(description = "The subscription it was delivered to", example = "whe_0123")
          String webhookId,
      @Schema(
              description =
                  "The webhook-id header it was sent with, the same on every attempt: receivers"
                      + " dedupe on it",
              example = "msg_2Qd0cVf1")
          String webhookMessageId,
      String eventType,
      String mailboxId,
      String status,
      int attemptCount,
      Instant nextAttemptAt,
      List<AttemptView> attempts,
      Instant createdAt,
      Instant updatedAt) {
    static DeliveryView of(WebhookDelivery d) {
      return new DeliveryView(
          d.id(),
          d.endpointId(),
          d.webhookId(),
          d.eventType(),
          d.mailboxId(),
          d.status().name().toLowerCase(Locale.ROOT),
          d.attemptCount(),
          d.status() == DeliveryStatus.PENDING ? d.nextAttemptAt() : null,
          d.attempts().stream().map(AttemptView::of).toList(),
          d.createdAt(),
          d.updatedAt());
    }
  }

  record DeliveryList(List<DeliveryView> data, String nextPageToken) {}

  record Replayed(long replayed) {}
}
