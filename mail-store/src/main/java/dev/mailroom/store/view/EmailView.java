package dev.mailroom.store.view;

import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.store.message.AttachmentIds;
import dev.mailroom.store.message.MessageBody;
import dev.mailroom.store.message.PublicIds;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.token.TokenPermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Email and Thread objects of seed 002 (camelCase), field for field, and its {@code
 * accessInfo}, with the email's {@code mailboxId} added. A token with {@code visibleEmailFields}
 * sees only those fields (plus {@code id} and {@code mailboxId}): the others are absent, not null.
 */
public final class EmailView {
  private EmailView() {}

  public static Map<String, Object> email(
      StoredMessage m, MessageBody body, boolean withAttachments, TokenPermissions permissions) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", PublicIds.of(m.provider(), m.id()));
    view.put("threadId", PublicIds.of(m.provider(), m.threadId()));
    // Our extension of seed 002: which mailbox (as /admin, /v1 and webhooks name it) holds it.
    view.put("mailboxId", m.mailboxId());
    view.put("subject", m.subject());
    view.put("from", m.from());
    view.put("to", emptyAsNull(m.to()));
    view.put("cc", emptyAsNull(m.cc()));
    view.put("bcc", emptyAsNull(m.bcc()));
    view.put("bodyPreview", m.snippet());
    view.put("body", body == null ? null : body.content());
    view.put("bodyType", body == null ? null : body.type());
    // A send that failed was never sent, whatever a record written before the failure says.
    boolean unsent =
        m.direction() == Direction.OUTBOUND
            && (m.status() == MessageStatus.FAILED || m.status() == MessageStatus.REJECTED);
    view.put("sentAt", unsent ? null : m.sentAt());
    view.put("receivedAt", m.receivedAt());
    view.put("isRead", m.read());
    view.put("hasAttachments", m.hasAttachments());
    view.put("attachments", withAttachments ? attachments(m.attachments()) : null);
    view.put("labels", unsent ? withoutSent(m.labels()) : m.labels());
    view.put(
        "importance",
        m.importance() == null ? null : m.importance().name().toLowerCase(Locale.ROOT));
    view.put("provider", m.provider().name());
    return visible(view, permissions);
  }

  public static Map<String, Object> thread(
      List<StoredMessage> messages, List<MessageBody> bodies, TokenPermissions permissions) {
    StoredMessage first = messages.get(0);
    List<Map<String, Object>> emails = new ArrayList<>();
    LinkedHashSet<String> participants = new LinkedHashSet<>();
    Instant last = null;
    for (int i = 0; i < messages.size(); i++) {
      StoredMessage m = messages.get(i);
      emails.add(email(m, bodies.get(i), true, permissions));
      // Participants come from the fields the token may see, and from no others.
      if (m.from() != null && sees(permissions, "from")) {
        participants.add(m.from().email().toLowerCase(Locale.ROOT));
      }
      for (String field : List.of("to", "cc")) {
        if (sees(permissions, field)) {
          nonNull(field.equals("to") ? m.to() : m.cc())
              .forEach(p -> participants.add(p.email().toLowerCase(Locale.ROOT)));
        }
      }
      if (last == null || (m.receivedAt() != null && m.receivedAt().isAfter(last))) {
        last = m.receivedAt();
      }
    }
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", PublicIds.of(first.provider(), first.threadId()));
    view.put("subject", first.subject());
    view.put("messages", emails);
    view.put("messageCount", messages.size());
    view.put("participants", participants.stream().map(email -> Map.of("email", email)).toList());
    view.put("lastMessageAt", last);
    view.put("provider", first.provider().name());
    if (!sees(permissions, "subject")) {
      view.remove("subject");
    }
    if (!sees(permissions, "from") && !sees(permissions, "to") && !sees(permissions, "cc")) {
      view.remove("participants");
    }
    return view;
  }

  private static boolean sees(TokenPermissions permissions, String field) {
    List<String> fields = permissions.visibleEmailFields();
    return fields == null || fields.isEmpty() || fields.contains(field);
  }

  /** Present only when the token is restricted; seed 002 omits it otherwise. */
  public static Map<String, Object> accessInfo(TokenPermissions permissions) {
    Map<String, Object> info = new LinkedHashMap<>();
    if (!permissions.visibleEmailFields().isEmpty()) {
      info.put("visibleEmailFields", permissions.visibleEmailFields());
    }
    if (!permissions.mailboxIds().isEmpty()) {
      info.put("mailboxIds", permissions.mailboxIds());
    }
    if (!permissions.allowedEmailOperations().containsAll(TokenPermissions.EMAIL_OPERATIONS)) {
      info.put(
          "allowedEmailOperations",
          permissions.allowedEmailOperations().stream().sorted().toList());
    }
    return info.isEmpty() ? null : info;
  }

  private static Map<String, Object> visible(
      Map<String, Object> view, TokenPermissions permissions) {
    List<String> fields = permissions.visibleEmailFields();
    if (fields == null || fields.isEmpty()) {
      return view;
    }
    // Identifiers are always shown: without them nothing else could be asked about.
    view.keySet()
        .removeIf(
            field -> !field.equals("id") && !field.equals("mailboxId") && !fields.contains(field));
    return view;
  }

  private static List<Map<String, Object>> attachments(List<Attachment> attachments) {
    if (attachments == null) {
      return List.of();
    }
    return attachments.stream()
        .map(
            a -> {
              Map<String, Object> view = new LinkedHashMap<>();
              view.put("id", a.id());
              view.put("name", a.filename());
              view.put("contentType", a.contentType());
              view.put("size", a.size());
              view.put("isInline", a.inline());
              // Additions to the seed's Attachment: what an HTML body's cid: references name, and
              // for an attachment of a forwarded message/rfc822, the id of that message.
              view.put("contentId", a.contentId());
              view.put("parentId", AttachmentIds.parentId(a.id()));
              return view;
            })
        .toList();
  }

  private static List<String> withoutSent(List<String> labels) {
    return labels == null ? null : labels.stream().filter(l -> !l.equals("SENT")).toList();
  }

  private static <T> List<T> emptyAsNull(List<T> list) {
    return list == null || list.isEmpty() ? null : list;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
