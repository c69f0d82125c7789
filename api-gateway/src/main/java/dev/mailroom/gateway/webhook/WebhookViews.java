package dev.mailroom.gateway.webhook;

import dev.mailroom.model.text.Redaction;
import dev.mailroom.store.webhook.DeliveryAttempt;
import dev.mailroom.store.webhook.DeliveryStatus;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookEndpoint;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Response bodies of {@code /v1/webhooks}. A secret appears only when it is created. */
final class WebhookViews {
  private WebhookViews() {}

  /** The document's enum of event type names, built from {@code WebhookEventType}. */
  static final String EVENT_TYPE_REF = "#/components/schemas/WebhookEventType";

  static final String WEBHOOK_ID = "whk_01JH3Z8Q4W2K7N5M6P9R0S1T2V";
  static final String DELIVERY_ID = "dlv_01JH3Z9B7C2D3E4F5G6H7J8K9M";
  static final String MAILBOX_ID = "mbx_01JH3Z8Q4W2K7N5M6P9R0S1T2V";
  static final String TIME = "2026-03-02T09:14:05.120Z";

  @Schema(description = "A webhook subscription")
  record WebhookView(
      @Schema(description = "The subscription's id", example = WEBHOOK_ID) String id,
      @Schema(description = WebhookRequests.URL, example = WebhookRequests.URL_EXAMPLE) String url,
      @ArraySchema(
              arraySchema = @Schema(description = "The event types delivered"),
              schema = @Schema(ref = EVENT_TYPE_REF))
          List<String> eventTypes,
      @ArraySchema(
              arraySchema = @Schema(description = WebhookRequests.MAILBOX_IDS),
              schema = @Schema(example = MAILBOX_ID))
          List<String> mailboxIds,
      @Schema(
              nullable = true,
              description = WebhookRequests.DESCRIPTION,
              example = "Production receiver")
          String description,
      @Schema(
              description = "enabled, or disabled (nothing is delivered until it is re-enabled)",
              allowableValues = {"enabled", "disabled"},
              example = "enabled")
          String status,
      @Schema(nullable = true, description = "Why it was disabled", example = "Failing for 5 days")
          String disabledReason,
      @Schema(nullable = true, description = "When it was disabled", example = TIME)
          Instant disabledAt,
      @Schema(
              nullable = true,
              description = "Since when every delivery has failed; null while deliveries succeed",
              example = TIME)
          Instant failingSince,
      @Schema(description = "When it was created", example = TIME) Instant createdAt,
      @Schema(description = "When it last changed", example = TIME) Instant updatedAt) {
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
  @Schema(description = "A new subscription and its signing secret")
  record CreatedWebhook(
      @Schema(description = "The subscription") WebhookView webhook,
      @Schema(
              nullable = true,
              description =
                  "The signing secret, shown only here; null when an Idempotency-Key replay"
                      + " answers",
              example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
          String secret) {}

  @Schema(description = "A new signing secret")
  record RotatedSecret(
      @Schema(
              nullable = true,
              description =
                  "The new signing secret, shown only here; null when an Idempotency-Key replay"
                      + " answers",
              example = "whsec_Q2x9r8GKYqrTwjUPD8ILPZIo2LaLaSwM")
          String secret,
      @Schema(
              nullable = true,
              description = "Until when the old secret also signs; null if it was retired at once",
              example = TIME)
          Instant previousSecretExpiresAt) {}

  @Schema(description = "One try to deliver")
  record AttemptView(
      @Schema(description = "When it was made", example = TIME) Instant attemptedAt,
      @Schema(
              nullable = true,
              description = "The receiver's HTTP status; null if none was received",
              example = "200")
          Integer statusCode,
      @Schema(description = "How long it took, in milliseconds", example = "84") long latencyMs,
      @Schema(
              nullable = true,
              description = "What went wrong, if it failed",
              example = "Read timed out")
          String error,
      @Schema(description = "Whether the receiver answered 2xx", example = "true")
          boolean succeeded) {
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
  @Schema(description = "One event's delivery to a subscription")
  record DeliveryView(
      @Schema(description = "The delivery's id", example = DELIVERY_ID) String id,
      @Schema(description = "The subscription it was delivered to", example = WEBHOOK_ID)
          String webhookId,
      @Schema(
              description =
                  "The webhook-id header it was sent with, the same on every attempt: receivers"
                      + " dedupe on it",
              example = "msg_2Qd0cVf1xq8b3T")
          String webhookMessageId,
      @Schema(ref = EVENT_TYPE_REF, description = "The event's type") String eventType,
      @Schema(nullable = true, description = "The mailbox the event is about", example = MAILBOX_ID)
          String mailboxId,
      @Schema(
              description =
                  "pending (due at nextAttemptAt), succeeded, or failed (the retries ran out or"
                      + " the subscription was disabled)",
              allowableValues = {"pending", "succeeded", "failed"},
              example = "succeeded")
          String status,
      @Schema(description = "How many tries were made", example = "1") int attemptCount,
      @Schema(
              nullable = true,
              description = "When the next try is due, while pending",
              example = TIME)
          Instant nextAttemptAt,
      @ArraySchema(arraySchema = @Schema(description = "The tries, oldest first"))
          List<AttemptView> attempts,
      @Schema(description = "When the event was queued", example = TIME) Instant createdAt,
      @Schema(description = "When it last changed", example = TIME) Instant updatedAt) {
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

  @Schema(description = "One page of deliveries")
  record DeliveryList(
      @ArraySchema(arraySchema = @Schema(description = "The deliveries, newest first"))
          List<DeliveryView> data,
      @Schema(
              nullable = true,
              description = "Pass as pageToken for the next page; null on the last page",
              example = "eyJ0IjoiMjAyNi0wMy0wMlQwOToxNDowNVoifQ")
          String nextPageToken) {}

  @Schema(description = "The outcome of a replay")
  record Replayed(
      @Schema(description = "How many deliveries were queued again", example = "3")
          long replayed) {}
}
