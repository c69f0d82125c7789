package dev.mailroom.gateway.mail.send;

import dev.mailroom.gateway.mail.InputCheck;
import dev.mailroom.gateway.mail.MailException;
import dev.mailroom.gateway.mail.OutboundDraft;
import dev.mailroom.gateway.mail.send.OutgoingMail.Alternatives;
import dev.mailroom.gateway.mail.send.OutgoingMail.Body;
import dev.mailroom.gateway.mail.send.OutgoingMail.Content;
import dev.mailroom.gateway.mail.send.OutgoingMail.Recipients;
import dev.mailroom.gateway.mail.send.OutgoingMail.SenderChoice;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.Participant;
import dev.mailroom.store.mailbox.MailboxIdentity;
import dev.mailroom.store.message.AttachmentIds;
import dev.mailroom.store.message.StoredMessage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The rules of sending that do not touch storage: who sends, who an answer goes to, how its subject
 * reads, and how a body and its type become a draft. Pure functions, tested on their own.
 */
public final class AnswerRules {
  public static final List<String> BODY_TYPES = List.of("html", "text");
  public static final List<String> IMPORTANCE = List.of("low", "normal", "high");

  private AnswerRules() {}

  /** connectionId, then sendFrom, then the default mailbox, then the first one. */
  public static MailboxIdentity chooseSender(List<MailboxIdentity> sendable, SenderChoice mail) {
    if (mail.connectionId() != null) {
      return sendable.stream()
          .filter(m -> m.connectionId() == mail.connectionId())
          .findFirst()
          .orElseThrow(
              () ->
                  MailException.InvalidInput.of(
                      "connectionId", "no send-enabled connection " + mail.connectionId()));
    }
    if (mail.sendFrom() != null) {
      return sendable.stream()
          .filter(m -> m.address().equalsIgnoreCase(mail.sendFrom().strip()))
          .findFirst()
          .orElseThrow(
              () ->
                  MailException.InvalidInput.of(
                      "sendFrom", "no send-enabled connection for " + mail.sendFrom()));
    }
    return sendable.stream()
        .filter(MailboxIdentity::defaultMailbox)
        .findFirst()
        .orElse(sendable.get(0));
  }

  /** An answer goes out from the mailbox the original belongs to, which must be send-enabled. */
  public static MailboxIdentity answeringMailbox(
      StoredMessage original, List<MailboxIdentity> sendable) {
    return sendable.stream()
        .filter(m -> m.id().equals(original.mailboxId()))
        .findFirst()
        .orElseThrow(
            () ->
                new MailException.NoUsableMailbox(
                    "The mailbox of this email is not connected for sending"));
  }

  /**
   * Reply goes to the sender (or, for our own sent mail, its recipients); reply-all also copies the
   * original To and Cc, never the sending mailbox itself, and nobody twice.
   */
  public static List<Participant> replyRecipients(
      StoredMessage original, MailboxIdentity self, boolean all, boolean primary) {
    boolean ours = original.direction() == Direction.OUTBOUND;
    List<Participant> candidates = new ArrayList<>();
    if (primary) {
      if (ours) {
        candidates.addAll(orEmpty(original.to()));
      } else if (original.from() != null) {
        candidates.add(original.from());
      }
      if (all && !ours) {
        candidates.addAll(orEmpty(original.to()));
      }
    } else {
      candidates.addAll(orEmpty(original.cc()));
    }
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    seen.add(self.address().toLowerCase(Locale.ROOT));
    if (!primary) {
      // Whoever is already in To is not copied again.
      replyRecipients(original, self, all, true)
          .forEach(p -> seen.add(p.email().toLowerCase(Locale.ROOT)));
    }
    List<Participant> result = new ArrayList<>();
    for (Participant p : candidates) {
      if (seen.add(p.email().toLowerCase(Locale.ROOT))) {
        result.add(p);
      }
    }
    return result;
  }

  /** {@code prefix} before the subject, unless it already starts with one of {@code already}. */
  public static String prefixed(String prefix, String subject, String... already) {
    String s = subject == null ? "" : subject.strip();
    for (String a : already) {
      if (s.toLowerCase(Locale.ROOT).startsWith(a)) {
        return s;
      }
    }
    return prefix + s;
  }

  public static String replySubject(String subject) {
    return prefixed("Re: ", subject, "re:");
  }

  public static String forwardSubject(String subject) {
    return prefixed("Fwd: ", subject, "fwd:", "fw:");
  }

  /**
   * Names, the subject and file names of a reply or forward come from inbound mail, which anyone
   * can write: they pass the header checks API input passes (no CR, LF or other control
   * characters), or the answer is refused rather than sent with injected headers.
   */
  public static void checkTakenFromOriginal(OutboundDraft draft) {
    InputCheck check =
        InputCheck.check()
            .participants("original.to", draft.to(), false)
            .participants("original.cc", draft.cc(), false)
            .headerText("original.subject", draft.subject(), false, InputCheck.MAX_SUBJECT);
    for (int i = 0; i < draft.attachments().size(); i++) {
      check.headerText(
          "original.attachments[" + i + "].name",
          draft.attachments().get(i).filename(),
          false,
          InputCheck.MAX_SUBJECT);
    }
    check.orThrowAsOriginal("The original email holds header values that cannot be sent on");
  }

  /**
   * A body of {@code bodyType} (html unless text), or text and HTML side by side, and the rest, as
   * the writer takes them.
   */
  public static OutboundDraft draft(
      Recipients recipients,
      String subject,
      Body content,
      String importance,
      List<Attachment> attachments) {
    String textBody;
    String htmlBody;
    if (content instanceof Content typed) {
      String body = typed.body();
      String bodyType = typed.bodyType();
      boolean text = "text".equals(bodyType);
      textBody = text ? body : null;
      // A forward without a note but with "bodyType": "html" is still HTML: an empty HTML note
      // makes the worker quote the original as HTML instead of falling back to text.
      htmlBody = text ? null : body != null ? body : "html".equals(bodyType) ? "" : null;
    } else {
      Alternatives both = (Alternatives) content;
      htmlBody = both.html();
      textBody = both.text() == null && htmlBody == null ? "" : both.text();
    }
    return new OutboundDraft(
        recipients.to(),
        orEmpty(recipients.cc()),
        orEmpty(recipients.bcc()),
        subject,
        textBody,
        htmlBody,
        importance == null
            ? Importance.NORMAL
            : Importance.valueOf(importance.toUpperCase(Locale.ROOT)),
        null,
        attachments == null ? List.of() : attachments);
  }

  /**
   * What a forward carries: the attachments of a forwarded message/rfc822 part travel inside it, so
   * they are not added beside it again.
   */
  public static List<Attachment> topLevel(List<Attachment> attachments) {
    return attachments == null
        ? null
        : attachments.stream().filter(a -> AttachmentIds.parentId(a.id()) == null).toList();
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
