package dev.mailroom.gateway.webhook;

import java.time.Instant;
import java.util.List;

/** Request bodies of {@code /v1/webhooks}; checked by {@link WebhookController}, not by binding. */
final class WebhookRequests {
  private WebhookRequests() {}

  record CreateWebhook(
      String url, List<String> eventTypes, List<String> mailboxIds, String description) {}

  /** Absent fields stay as they are; {@code enabled: true} re-enables a disabled endpoint. */
  record UpdateWebhook(
      String url,
      List<String> eventTypes,
      List<String> mailboxIds,
      String description,
      Boolean enabled) {}

  /**
   * @param overlapMinutes how long the replaced secret keeps signing beside the new one (default 24
   *     hours, at most 7 days; 0 retires it at once)
   */
  record RotateSecret(Integer overlapMinutes) {}

  /** {@code eventType} defaults to {@code message.received}. */
  record SendTestEvent(String eventType) {}

  record ReplayFailed(Instant since) {}
}
