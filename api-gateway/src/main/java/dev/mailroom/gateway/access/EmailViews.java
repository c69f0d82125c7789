package dev.mailroom.gateway.access;

import dev.mailroom.gateway.access.AccessRequests.SendResult;
import dev.mailroom.gateway.core.PublicIds;
import dev.mailroom.gateway.mail.read.MailReads.Body;
import dev.mailroom.gateway.mail.read.MailReads.Found;
import dev.mailroom.gateway.mail.read.MailSearch;
import dev.mailroom.gateway.mail.send.AnswerRules;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.text.Redaction;
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
 * The Email and Thread objects of seed 002, field for field. A token with {@code
 * visibleEmailFields} sees only those fields (plus {@code id}): the others are absent, not null.
 */
final class EmailViews {
  private EmailViews() {}

  static Map<String, Object> email(
      StoredMessage m, Body body, boolean withAttachments, TokenPermissions permissions) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", PublicIds.of(m.provider(), m.id()));
    view.put("threadId", PublicIds.of(m.provider(), m.threadId()));
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

  /** Seed 002's search answer: the page, the total, and where the next page starts. */
  static Map<String, Object> searchResult(MailSearch.Result result, TokenPermissions permissions) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put(
        "emails",
        result.found().stream()
            .map(f -> email(f.message(), f.body(), f.body() != null, permissions))
            .toList());
    response.put("totalCount", result.totalCount());
    response.put("hasMore", result.hasMore());
    response.put("nextPageToken", result.nextPageToken());
    return withAccessInfo(response, permissions);
  }

  static Map<String, Object> email(Found found, TokenPermissions permissions) {
    return withAccessInfo(email(found.message(), found.body(), true, permissions), permissions);
  }

  static Map<String, Object> thread(List<Found> found, TokenPermissions permissions) {
    List<StoredMessage> messages = found.stream().map(Found::message).toList();
    List<Body> bodies = found.stream().map(Found::body).toList();
    return withAccessInfo(thread(messages, bodies, permissions), permissions);
  }

  /** Seed 001's answer to send, reply and forward. */
  static SendResult sendResult(StoredMessage m) {
    boolean failed = m.status() == MessageStatus.FAILED || m.status() == MessageStatus.REJECTED;
    return new SendResult(
        !failed,
        PublicIds.of(m.provider(), m.id()),
        PublicIds.of(m.provider(), m.threadId()),
        // The worker's reason may name the mail server's address inside the network.
        failed ? Redaction.addresses(m.statusReason()) : null);
  }

  private static Map<String, Object> withAccessInfo(
      Map<String, Object> view, TokenPermissions permissions) {
    Map<String, Object> info = accessInfo(permissions);
    if (info != null) {
      view.put("accessInfo", info);
    }
    return view;
  }

  private static Map<String, Object> thread(
      List<StoredMessage> messages, List<Body> bodies, TokenPermissions permissions) {
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
  private static Map<String, Object> accessInfo(TokenPermissions permissions) {
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
    view.keySet().removeIf(field -> !field.equals("id") && !fields.contains(field));
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
              view.put("parentId", AnswerRules.parentId(a.id()));
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
