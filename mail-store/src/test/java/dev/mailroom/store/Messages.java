package dev.mailroom.store;

import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.store.message.SearchTokens;
import dev.mailroom.store.message.StoredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A builder of realistic stored messages for tests. */
public final class Messages {
  private String id;
  private String tenantId = "t1";
  private String mailboxId = "m1";
  private String threadId;
  private String subject = "Hello";
  private Participant from = new Participant("sender@example.com", "Sender");
  private List<Participant> to = List.of(new Participant("me@example.com", "Me"));
  private List<Participant> cc = List.of();
  private List<Participant> bcc = List.of();
  private String snippet = "Body text";
  private Instant receivedAt = Instant.parse("2026-02-07T14:30:00Z");
  private boolean read;
  private List<String> labels = List.of("INBOX");
  private List<Attachment> attachments = List.of();
  private String textKey;
  private String htmlKey;
  private String inReplyTo;
  private List<String> references = List.of();
  private String providerMessageId;
  private Direction direction = Direction.INBOUND;
  private MessageStatus status = MessageStatus.RECEIVED;

  public static Messages message(String id) {
    Messages m = new Messages();
    m.id = id;
    m.threadId = "thr_" + id;
    return m;
  }

  public Messages tenant(String tenantId) {
    this.tenantId = tenantId;
    return this;
  }

  public Messages mailbox(String mailboxId) {
    this.mailboxId = mailboxId;
    return this;
  }

  public Messages thread(String threadId) {
    this.threadId = threadId;
    return this;
  }

  public Messages subject(String subject) {
    this.subject = subject;
    return this;
  }

  public Messages from(String email) {
    this.from = new Participant(email, null);
    return this;
  }

  public Messages to(String... emails) {
    this.to = java.util.Arrays.stream(emails).map(Participant::of).toList();
    return this;
  }

  public Messages cc(String... emails) {
    this.cc = java.util.Arrays.stream(emails).map(Participant::of).toList();
    return this;
  }

  public Messages bcc(String... emails) {
    this.bcc = java.util.Arrays.stream(emails).map(Participant::of).toList();
    return this;
  }

  public Messages snippet(String snippet) {
    this.snippet = snippet;
    return this;
  }

  public Messages receivedAt(Instant at) {
    this.receivedAt = at;
    return this;
  }

  public Messages read(boolean read) {
    this.read = read;
    return this;
  }

  public Messages labels(String... labels) {
    this.labels = List.of(labels);
    return this;
  }

  public Messages attachment(Attachment attachment) {
    this.attachments = List.of(attachment);
    return this;
  }

  /** Replies to these Message-IDs: In-Reply-To the last, References all of them. */
  public Messages replyTo(String... rfcMessageIds) {
    this.inReplyTo = rfcMessageIds[rfcMessageIds.length - 1];
    this.references = List.of(rfcMessageIds);
    return this;
  }

  public Messages providerMessageId(String providerMessageId) {
    this.providerMessageId = providerMessageId;
    return this;
  }

  /** Sent through Mailroom: waiting for its provider copy, as the gateway stores it. */
  public Messages outbound(MessageStatus status) {
    this.direction = Direction.OUTBOUND;
    this.status = status;
    this.providerMessageId = StoredMessage.pendingProviderId(id);
    return this;
  }

  public Messages bodies(String textKey, String htmlKey) {
    this.textKey = textKey;
    this.htmlKey = htmlKey;
    return this;
  }

  public StoredMessage build() {
    List<String> toEmails = to.stream().map(p -> p.email().toLowerCase(Locale.ROOT)).toList();
    List<String> participants =
        new ArrayList<>(dev.mailroom.store.message.Participants.everyone(from, to, cc, bcc));
    return new StoredMessage(
        id,
        tenantId,
        mailboxId,
        ProviderKind.IMAP,
        providerMessageId != null ? providerMessageId : "INBOX:1:" + id,
        threadId,
        id + "@example.com",
        inReplyTo,
        references,
        subject,
        dev.mailroom.store.message.SubjectKey.of(subject),
        from,
        to,
        cc,
        bcc,
        from.email().toLowerCase(Locale.ROOT),
        toEmails,
        participants,
        snippet,
        textKey,
        htmlKey,
        null,
        receivedAt.minusSeconds(2),
        receivedAt,
        read,
        new ArrayList<>(labels),
        Importance.NORMAL,
        !attachments.isEmpty(),
        attachments,
        direction,
        status,
        null,
        SearchTokens.of(subject, from.email(), from.name(), snippet),
        receivedAt,
        receivedAt,
        null,
        null);
  }
}
