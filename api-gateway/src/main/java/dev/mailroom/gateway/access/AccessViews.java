package dev.mailroom.gateway.access;

import dev.mailroom.gateway.access.AccessRequests.SendResult;
import dev.mailroom.gateway.mail.read.MailReads.Found;
import dev.mailroom.gateway.mail.read.MailSearch;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.text.Redaction;
import dev.mailroom.store.message.MessageBody;
import dev.mailroom.store.message.PublicIds;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.token.TokenPermissions;
import dev.mailroom.store.view.EmailView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Email Access API's view mapper: the core's results as seed 001/002 answers, built from the
 * shared {@link EmailView} objects plus what only this family says (the search page, {@code
 * accessInfo} on reads, the send result).
 */
final class AccessViews {
  private AccessViews() {}

  /** An email as a write answers it: without accessInfo. */
  static Map<String, Object> email(StoredMessage message, TokenPermissions permissions) {
    return EmailView.email(message, null, true, permissions);
  }

  /** Seed 002's search answer: the page, the total, and where the next page starts. */
  static Map<String, Object> searchResult(MailSearch.Result result, TokenPermissions permissions) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put(
        "emails",
        result.found().stream()
            .map(f -> EmailView.email(f.message(), f.body(), f.body() != null, permissions))
            .toList());
    response.put("totalCount", result.totalCount());
    response.put("hasMore", result.hasMore());
    response.put("nextPageToken", result.nextPageToken());
    return withAccessInfo(response, permissions);
  }

  static Map<String, Object> email(Found found, TokenPermissions permissions) {
    return withAccessInfo(
        EmailView.email(found.message(), found.body(), true, permissions), permissions);
  }

  static Map<String, Object> thread(List<Found> found, TokenPermissions permissions) {
    List<StoredMessage> messages = found.stream().map(Found::message).toList();
    List<MessageBody> bodies = found.stream().map(Found::body).toList();
    return withAccessInfo(EmailView.thread(messages, bodies, permissions), permissions);
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
    Map<String, Object> info = EmailView.accessInfo(permissions);
    if (info != null) {
      view.put("accessInfo", info);
    }
    return view;
  }
}
