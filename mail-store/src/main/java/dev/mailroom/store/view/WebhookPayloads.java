package dev.mailroom.store.view;

import dev.mailroom.model.event.EndpointDisabled;
import dev.mailroom.model.event.Event;
import dev.mailroom.model.event.MailboxReauthRequired;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.model.event.MailboxSyncFailed;
import dev.mailroom.model.event.MessageBounced;
import dev.mailroom.model.event.MessageComplained;
import dev.mailroom.model.event.MessageDeleted;
import dev.mailroom.model.event.MessageDelivered;
import dev.mailroom.model.event.MessageFailed;
import dev.mailroom.model.event.MessageReceived;
import dev.mailroom.model.event.MessageRejected;
import dev.mailroom.model.event.MessageSent;
import dev.mailroom.model.event.MessageUpdated;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageSnapshot;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.model.text.Redaction;
import dev.mailroom.model.text.Timestamps;
import dev.mailroom.model.webhook.WebhookEventType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON body of a webhook: {@code {"type", "timestamp", "data"}} as Standard Webhooks suggests,
 * where {@code data} is the event's resource. Message events carry the seed 004 message object
 * ({@link InboxMessageView}); the others carry the mailbox or endpoint they are about. Error texts
 * come from connections inside the deployment's network and go out without network addresses.
 * Rendered once per event, so every retry sends the same bytes.
 */
public final class WebhookPayloads {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private WebhookPayloads() {}

  public static String render(WebhookEventType type, Instant timestamp, Map<String, Object> data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type.wireName());
    body.put("timestamp", Timestamps.format(timestamp));
    body.put("data", data);
    return JSON.writeValueAsString(body);
  }

  /**
   * The resource of an event. {@code current} is the message as stored now, for the events that do
   * not carry one (updated, deleted, failed); null when it is gone or not needed.
   */
  public static Map<String, Object> data(Event event, MessageSnapshot current) {
    return event.match(new PayloadData(current));
  }

  /** What each event's {@code data} holds; {@code current} as for {@link #data}. */
  private record PayloadData(MessageSnapshot current) implements Event.Cases<Map<String, Object>> {

    @Override
    public Map<String, Object> messageSent(MessageSent sent) {
      return InboxMessageView.message(sent.message());
    }

    @Override
    public Map<String, Object> messageReceived(MessageReceived received) {
      return InboxMessageView.message(received.message());
    }

    @Override
    public Map<String, Object> messageUpdated(MessageUpdated updated) {
      Map<String, Object> data =
          messageOrReference(current, updated.tenantId(), updated.mailboxId(), updated.messageId());
      data.put("read", updated.read());
      data.put("labels", updated.labels());
      data.put("updated_at", Timestamps.format(updated.changedAt()));
      return data;
    }

    @Override
    public Map<String, Object> messageDeleted(MessageDeleted deleted) {
      Map<String, Object> data =
          messageOrReference(current, deleted.tenantId(), deleted.mailboxId(), deleted.messageId());
      data.put("deleted", true);
      data.put("soft", deleted.soft());
      data.put("deleted_at", Timestamps.format(deleted.deletedAt()));
      return data;
    }

    @Override
    public Map<String, Object> messageFailed(MessageFailed failed) {
      Map<String, Object> data =
          messageOrReference(current, failed.tenantId(), failed.mailboxId(), failed.messageId());
      data.put("status", "failed");
      data.put("command_id", failed.commandId());
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("reason", failed.reason());
      error.put("message", Redaction.addresses(failed.errorMessage()));
      data.put("error", error);
      data.put("failed_at", Timestamps.format(failed.failedAt()));
      return data;
    }

    @Override
    public Map<String, Object> messageBounced(MessageBounced bounced) {
      Map<String, Object> data =
          messageOrReference(current, bounced.tenantId(), bounced.mailboxId(), bounced.messageId());
      data.putIfAbsent("status", "bounced");
      Map<String, Object> bounce = new LinkedHashMap<>();
      bounce.put("type", bounced.bounceType());
      bounce.put("recipients", bounced.recipients());
      bounce.put(
          "diagnostic",
          bounced.diagnostic() == null ? null : Redaction.addresses(bounced.diagnostic()));
      data.put("bounce", bounce);
      data.put("bounced_at", Timestamps.format(bounced.bouncedAt()));
      return data;
    }

    @Override
    public Map<String, Object> messageDelivered(MessageDelivered delivered) {
      Map<String, Object> data =
          messageOrReference(
              current, delivered.tenantId(), delivered.mailboxId(), delivered.messageId());
      data.putIfAbsent("status", "delivered");
      data.put("delivery", Map.of("recipients", delivered.recipients()));
      data.put("delivered_at", Timestamps.format(delivered.deliveredAt()));
      return data;
    }

    @Override
    public Map<String, Object> messageComplained(MessageComplained complained) {
      Map<String, Object> data =
          messageOrReference(
              current, complained.tenantId(), complained.mailboxId(), complained.messageId());
      data.putIfAbsent("status", "complained");
      Map<String, Object> complaint = new LinkedHashMap<>();
      complaint.put("recipients", complained.recipients());
      complaint.put("feedback_type", complained.feedbackType());
      data.put("complaint", complaint);
      data.put("complained_at", Timestamps.format(complained.complainedAt()));
      return data;
    }

    @Override
    public Map<String, Object> messageRejected(MessageRejected rejected) {
      Map<String, Object> data =
          messageOrReference(
              current, rejected.tenantId(), rejected.mailboxId(), rejected.messageId());
      data.putIfAbsent("status", "rejected");
      data.put(
          "rejection", Map.of("reason", Redaction.addresses(String.valueOf(rejected.reason()))));
      data.put("rejected_at", Timestamps.format(rejected.rejectedAt()));
      return data;
    }

    @Override
    public Map<String, Object> mailboxSyncCompleted(MailboxSyncCompleted sync) {
      Map<String, Object> data = reference(sync.tenantId(), sync.mailboxId());
      data.put("command_id", sync.commandId());
      data.put("mode", sync.mode().name().toLowerCase(Locale.ROOT));
      data.put("folders_scanned", sync.foldersScanned());
      data.put("messages_total", sync.messagesTotal());
      data.put("messages_added", sync.messagesAdded());
      data.put("messages_updated", sync.messagesUpdated());
      data.put("messages_deleted", sync.messagesDeleted());
      data.put("started_at", Timestamps.format(sync.startedAt()));
      data.put("completed_at", Timestamps.format(sync.completedAt()));
      return data;
    }

    @Override
    public Map<String, Object> mailboxSyncFailed(MailboxSyncFailed failed) {
      Map<String, Object> data = reference(failed.tenantId(), failed.mailboxId());
      data.put("sync_state", "error");
      data.put("reason", Redaction.addresses(failed.reason()));
      data.put("failed_at", Timestamps.format(failed.failedAt()));
      data.put("next_retry_at", Timestamps.format(failed.nextRetryAt()));
      return data;
    }

    @Override
    public Map<String, Object> mailboxReauthRequired(MailboxReauthRequired reauth) {
      Map<String, Object> data = reference(reauth.tenantId(), reauth.mailboxId());
      data.put("status", "reauth_required");
      data.put("reason", Redaction.addresses(reauth.reason()));
      data.put("detected_at", Timestamps.format(reauth.detectedAt()));
      return data;
    }

    @Override
    public Map<String, Object> endpointDisabled(EndpointDisabled disabled) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("endpoint_id", disabled.endpointId());
      data.put("organization_id", disabled.tenantId());
      // Other subscriptions hear of it: the endpoint's URL is its owner's business alone.
      data.put("reason", disabled.reason());
      data.put("failing_since", Timestamps.format(disabled.failingSince()));
      data.put("disabled_at", Timestamps.format(disabled.disabledAt()));
      return data;
    }
  }

  /** What a subscriber's "send test event" receives: a realistic resource marked as a test. */
  public static Map<String, Object> sample(WebhookEventType type, String tenantId, Instant now) {
    Map<String, Object> data;
    switch (type) {
      case MAILBOX_SYNC_FAILED -> {
        data = reference(tenantId, "mbx_test");
        data.put("sync_state", "error");
        data.put("reason", "IMAP connect: connection timed out");
        data.put("failed_at", Timestamps.format(now));
        data.put("next_retry_at", Timestamps.format(now.plusSeconds(60)));
      }
      case MAILBOX_SYNC_COMPLETED, MAILBOX_REAUTH_REQUIRED -> {
        data = reference(tenantId, "mbx_test");
        data.put(
            "status",
            type == WebhookEventType.MAILBOX_REAUTH_REQUIRED ? "reauth_required" : "active");
      }
      case ENDPOINT_DISABLED -> {
        data = new LinkedHashMap<>();
        data.put("endpoint_id", "whe_test");
        data.put("organization_id", tenantId);
      }
      default ->
          data =
              InboxMessageView.message(
                  new MessageSnapshot(
                      "msg_test",
                      tenantId,
                      "mbx_test",
                      "thr_test",
                      "<test@mailroom.invalid>",
                      null,
                      new Participant("sender@example.com", "Test Sender"),
                      List.of(Participant.of("recipient@example.com")),
                      List.of(),
                      List.of(),
                      "Mailroom test event",
                      "This is a test event sent from the Mailroom API.",
                      List.of(),
                      List.of(),
                      Direction.INBOUND,
                      MessageStatus.RECEIVED,
                      now,
                      now));
    }
    data.put("test", true);
    return data;
  }

  /** The message as stored now, or (when it is gone) just which message and mailbox it was. */
  /**
   * The message as stored, status included: a report that did not move it (a delivery after a
   * bounce) must not say otherwise, so a report's own status goes only on a bare reference.
   */
  private static Map<String, Object> messageOrReference(
      MessageSnapshot current, String tenantId, String mailboxId, String messageId) {
    Map<String, Object> data =
        current != null ? InboxMessageView.message(current) : reference(tenantId, mailboxId);
    data.putIfAbsent("id", messageId);
    return data;
  }

  private static Map<String, Object> reference(String tenantId, String mailboxId) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("inbox_id", mailboxId);
    data.put("organization_id", tenantId);
    return data;
  }
}
