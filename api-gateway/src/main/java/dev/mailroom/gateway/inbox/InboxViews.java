package dev.mailroom.gateway.inbox;

import dev.mailroom.gateway.mail.read.MailReads;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.store.message.Snapshots;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.view.InboxMessageView;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed 004's message object as this family answers it: the object webhooks carry ({@link
 * InboxMessageView}) with the inboxes it went between and its bodies, and on Get Message each
 * attachment's content.
 */
final class InboxViews {
  private InboxViews() {}

  /** The inboxes of the organization a message went from and to, where they are inboxes of it. */
  record Ends(String fromInboxId, String toInboxId) {}

  static Map<String, Object> message(StoredMessage m, MailReads.Bodies bodies, Ends ends) {
    Map<String, Object> data = new LinkedHashMap<>();
    Map<String, Object> shared = InboxMessageView.message(Snapshots.of(m));
    shared.forEach(
        (field, value) -> {
          data.put(field, value);
          if (field.equals("thread_id")) {
            data.put("from_inbox_id", ends == null ? null : ends.fromInboxId());
            data.put("to_inbox_id", ends == null ? null : ends.toInboxId());
          } else if (field.equals("snippet")) {
            data.put("text", bodies.text());
            data.put("html", bodies.html());
          }
        });
    return data;
  }

  /** As {@link #message}, each attachment with its content (base64), name and contentType. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> withContents(
      Map<String, Object> message, Map<String, byte[]> contents) {
    List<Map<String, Object>> attachments = new ArrayList<>();
    for (Map<String, Object> attachment : (List<Map<String, Object>>) message.get("attachments")) {
      Map<String, Object> full = new LinkedHashMap<>(attachment);
      full.put("name", attachment.get("filename"));
      full.put("contentType", attachment.get("content_type"));
      byte[] content = contents.get((String) attachment.get("attachment_id"));
      full.put("content", content == null ? null : Base64.getEncoder().encodeToString(content));
      attachments.add(full);
    }
    Map<String, Object> full = new LinkedHashMap<>(message);
    full.put("attachments", attachments);
    return full;
  }

  /**
   * The bodies of a message just written: the ones it keeps in its record while the worker sends
   * it, else those of the request (bodies too large for the record are in S3 by then).
   */
  static MailReads.Bodies bodiesOf(StoredMessage m, MailReads.Bodies requested) {
    return m.pendingBody() != null
        ? new MailReads.Bodies(m.pendingBody().text(), m.pendingBody().html())
        : requested;
  }

  static List<String> attachmentIds(StoredMessage m) {
    return m.attachments() == null
        ? List.of()
        : m.attachments().stream().map(Attachment::id).toList();
  }
}
