package dev.mailroom.store.view;

import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.MessageSnapshot;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.model.text.Timestamps;
import dev.mailroom.store.message.StoredMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The seed 004 message object (snake_case; bodies stay behind the API, {@code snippet} previews
 * them). Webhooks carry it; a route family serving seed 004 answers with it too.
 */
public final class InboxMessageView {
  private InboxMessageView() {}

  /** The seed 004 message object. */
  public static Map<String, Object> message(MessageSnapshot m) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", m.id());
    data.put("organization_id", m.tenantId());
    data.put("inbox_id", m.mailboxId());
    data.put("thread_id", m.threadId());
    data.put("message_id", m.rfcMessageId());
    data.put("from", m.from() == null ? null : m.from().email());
    data.put("from_name", m.from() == null ? null : m.from().name());
    data.put("to", emails(m.to()));
    data.put("cc", emails(m.cc()));
    data.put("bcc", emails(m.bcc()));
    data.put("subject", m.subject());
    data.put("snippet", m.snippet());
    data.put("labels", m.labels() == null ? List.of() : m.labels());
    data.put(
        "attachments",
        m.attachments() == null
            ? List.of()
            : m.attachments().stream().map(InboxMessageView::attachment).toList());
    data.put("external_id", externalId(m.providerMessageId()));
    data.put("direction", lower(m.direction()));
    data.put("status", status(m.status()));
    data.put("created_at", m.createdAt() == null ? null : Timestamps.format(m.createdAt()));
    data.put("updated_at", m.updatedAt() == null ? null : Timestamps.format(m.updatedAt()));
    return data;
  }

  private static Map<String, Object> attachment(Attachment a) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("attachment_id", a.id());
    data.put("filename", a.filename());
    data.put("content_type", a.contentType());
    data.put("size", a.size());
    data.put("inline", a.inline());
    data.put("content_id", a.contentId());
    return data;
  }

  private static List<String> emails(List<Participant> participants) {
    return participants == null
        ? List.of()
        : participants.stream().map(Participant::email).toList();
  }

  /**
   * The provider's id of the message; none while it has only the placeholder a send is recorded
   * under until the provider's copy is seen (a hosted mailbox's sends keep it: they are their own
   * sent copy).
   */
  static String externalId(String providerMessageId) {
    return StoredMessage.isPendingProviderId(providerMessageId) ? null : providerMessageId;
  }

  /**
   * Seed 004's words: sent, received, delivered, bounced, complained, rejected, and Mailroom's
   * queued (accepted, not yet handed to the mail server) and failed. A send whose outcome was lost
   * with a worker may have gone out and is never sent again: sent.
   */
  static String status(MessageStatus status) {
    if (status == null) {
      return null;
    }
    return switch (status) {
      case SENDING -> "queued";
      case UNKNOWN -> "sent";
      default -> lower(status);
    };
  }

  private static String lower(Enum<?> value) {
    return value == null ? null : value.name().toLowerCase(Locale.ROOT);
  }
}
