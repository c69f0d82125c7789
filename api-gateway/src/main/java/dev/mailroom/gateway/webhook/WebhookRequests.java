package dev.mailroom.gateway.webhook;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** Request bodies of {@code /v1/webhooks}; checked by {@link WebhookController}, not by binding. */
final class WebhookRequests {
  private WebhookRequests() {}

  static final String URL = "Where deliveries are POSTed: https, or http to an allowed host";
  static final String URL_EXAMPLE = "https://hooks.example.com/mailroom";
  static final String EVENT_TYPES = "The event types delivered; at least one";
  static final String MAILBOX_IDS =
      "Only events of these mailboxes; empty or absent: every mailbox the token may use";
  static final String DESCRIPTION = "A note for people, shown back in the subscription";

  @Schema(description = "A new subscription")
  record CreateWebhook(
      @Schema(description = URL, example = URL_EXAMPLE, requiredMode = Schema.RequiredMode.REQUIRED)
          String url,
      @ArraySchema(
              arraySchema =
                  @Schema(description = EVENT_TYPES, requiredMode = Schema.RequiredMode.REQUIRED),
              schema = @Schema(ref = WebhookViews.EVENT_TYPE_REF),
              minItems = 1)
          List<String> eventTypes,
      @ArraySchema(
              arraySchema = @Schema(description = MAILBOX_IDS),
              schema = @Schema(example = WebhookViews.MAILBOX_ID))
          List<String> mailboxIds,
      @Schema(description = DESCRIPTION, example = "Production receiver") String description) {}

  /** Absent fields stay as they are; {@code enabled: true} re-enables a disabled endpoint. */
  @Schema(description = "Changes to a subscription; absent fields stay as they are")
  record UpdateWebhook(
      @Schema(description = URL, example = URL_EXAMPLE) String url,
      @ArraySchema(
              arraySchema = @Schema(description = EVENT_TYPES),
              schema = @Schema(ref = WebhookViews.EVENT_TYPE_REF),
              minItems = 1)
          List<String> eventTypes,
      @ArraySchema(
              arraySchema = @Schema(description = MAILBOX_IDS),
              schema = @Schema(example = WebhookViews.MAILBOX_ID))
          List<String> mailboxIds,
      @Schema(description = DESCRIPTION, example = "Production receiver") String description,
      @Schema(
              description =
                  "true re-enables a disabled subscription; false disables it (no deliveries)",
              example = "true")
          Boolean enabled) {}

  /**
   * @param overlapMinutes how long the replaced secret keeps signing beside the new one (default 24
   *     hours, at most 7 days; 0 retires it at once)
   */
  @Schema(description = "How to rotate; the body may be omitted")
  record RotateSecret(
      @Schema(
              description =
                  "Minutes the replaced secret keeps signing beside the new one: default 1440 (24"
                      + " hours), at most 10080 (7 days), 0 retires it at once",
              minimum = "0",
              maximum = "10080",
              defaultValue = "1440",
              example = "60")
          Integer overlapMinutes) {}

  /** {@code eventType} defaults to {@code message.received}. */
  @Schema(description = "Which test event to send; the body may be omitted")
  record SendTestEvent(
      @Schema(
              ref = WebhookViews.EVENT_TYPE_REF,
              description = "The event type; message.received when absent")
          String eventType) {}

  @Schema(description = "Which failed deliveries to deliver again")
  record ReplayFailed(
      @Schema(
              description = "Failed deliveries created at or after this instant; not in the future",
              example = "2026-03-01T00:00:00Z",
              requiredMode = Schema.RequiredMode.REQUIRED)
          Instant since) {}
}
