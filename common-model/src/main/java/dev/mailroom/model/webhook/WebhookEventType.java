package dev.mailroom.model.webhook;

import dev.mailroom.model.envelope.PayloadType;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The event types a webhook subscription can name, as they appear in the payload's {@code type}.
 * Commands have none.
 */
public enum WebhookEventType {
  MESSAGE_SENT("message.sent", PayloadType.MESSAGE_SENT),
  MESSAGE_RECEIVED("message.received", PayloadType.MESSAGE_RECEIVED),
  MESSAGE_UPDATED("message.updated", PayloadType.MESSAGE_UPDATED),
  MESSAGE_DELETED("message.deleted", PayloadType.MESSAGE_DELETED),
  MESSAGE_FAILED("message.failed", PayloadType.MESSAGE_FAILED),
  MESSAGE_BOUNCED("message.bounced", PayloadType.MESSAGE_BOUNCED),
  MESSAGE_DELIVERED("message.delivered", PayloadType.MESSAGE_DELIVERED),
  MESSAGE_COMPLAINED("message.complained", PayloadType.MESSAGE_COMPLAINED),
  MESSAGE_REJECTED("message.rejected", PayloadType.MESSAGE_REJECTED),
  MAILBOX_SYNC_COMPLETED("mailbox.sync_completed", PayloadType.MAILBOX_SYNC_COMPLETED),
  MAILBOX_SYNC_FAILED("mailbox.sync_failed", PayloadType.MAILBOX_SYNC_FAILED),
  MAILBOX_REAUTH_REQUIRED("mailbox.reauth_required", PayloadType.MAILBOX_REAUTH_REQUIRED),
  ENDPOINT_DISABLED("endpoint.disabled", PayloadType.ENDPOINT_DISABLED);

  private static final Map<String, WebhookEventType> BY_NAME =
      Arrays.stream(values())
          .collect(Collectors.toMap(WebhookEventType::wireName, Function.identity()));

  private final String wireName;
  private final PayloadType source;

  WebhookEventType(String wireName, PayloadType source) {
    this.wireName = wireName;
    this.source = source;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<WebhookEventType> ofWireName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The webhook type an event on Kafka becomes, if subscribers can hear of it at all. */
  public static Optional<WebhookEventType> of(PayloadType type) {
    return Arrays.stream(values()).filter(t -> t.source == type).findFirst();
  }
}
