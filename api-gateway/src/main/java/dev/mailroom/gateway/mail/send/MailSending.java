package dev.mailroom.gateway.mail.send;

import static dev.mailroom.gateway.mail.send.AnswerRules.BODY_TYPES;
import static dev.mailroom.gateway.mail.send.AnswerRules.IMPORTANCE;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.core.AttachmentPolicy;
import dev.mailroom.gateway.mail.FieldProblem;
import dev.mailroom.gateway.mail.InputCheck;
import dev.mailroom.gateway.mail.MailException;
import dev.mailroom.gateway.mail.MailboxScope;
import dev.mailroom.gateway.mail.MessageWrites;
import dev.mailroom.gateway.mail.OutboundDraft;
import dev.mailroom.gateway.mail.WriteProgress;
import dev.mailroom.gateway.mail.read.MailReads;
import dev.mailroom.gateway.mail.send.OutgoingMail.ForwardMail;
import dev.mailroom.gateway.mail.send.OutgoingMail.NewMail;
import dev.mailroom.gateway.mail.send.OutgoingMail.Recipients;
import dev.mailroom.gateway.mail.send.OutgoingMail.ReplyMail;
import dev.mailroom.model.command.SendKind;
import dev.mailroom.model.message.Participant;
import dev.mailroom.store.mailbox.MailboxIdentity;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.suppression.SuppressionRepository;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Send, reply, reply-all and forward for every route family. Each answers the message as the worker
 * left it within the configured wait (sent or failed), or as queued after it. The message is
 * durable once queued ({@link WriteProgress}): a failure after that must not let a retry send it
 * again.
 */
@Component
public class MailSending {
  private final MailReads reads;
  private final MessageWrites writes;
  private final SuppressionRepository suppressions;
  private final Duration sendWait;

  public MailSending(
      MailReads reads,
      MessageWrites writes,
      SuppressionRepository suppressions,
      GatewayProperties properties) {
    this.reads = reads;
    this.writes = writes;
    this.suppressions = suppressions;
    this.sendWait = properties.sendWait();
  }

  public Mono<StoredMessage> send(MailboxScope sending, NewMail mail, String correlationId) {
    return Mono.defer(
        () -> {
          Recipients recipients = mail.recipients();
          InputCheck check =
              InputCheck.check()
                  .participants("to", recipients.to(), true)
                  .participants("cc", recipients.cc(), false)
                  .participants("bcc", recipients.bcc(), false)
                  .headerText("subject", mail.subject(), true, InputCheck.MAX_SUBJECT)
                  .oneOf("importance", mail.importance(), IMPORTANCE)
                  .headerText("inReplyTo", mail.inReplyTo(), false, InputCheck.MAX_SUBJECT);
          checkBody(check, mail.content());
          List<String> labels = mail.labels() == null ? List.of() : mail.labels();
          for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            check.label("labels[" + i + "]", label);
            // A folder would file the message (TRASH would delete it) without the permission
            // that takes; Mailroom files a sent message under SENT itself.
            if (label != null
                && MessageWrites.FOLDER_LABELS.contains(label.toUpperCase(Locale.ROOT))) {
              check.reject("labels[" + i + "]", "is a folder, not a label: " + label);
            }
          }
          String inReplyTo = messageId(mail.inReplyTo());
          if (mail.inReplyTo() != null && inReplyTo == null) {
            check.reject("inReplyTo", "not a Message-ID (local@domain, angle brackets optional)");
          }
          check.orThrow();
          List<AttachmentPolicy.Accepted> files = mail.files().check();
          MailboxIdentity from = AnswerRules.chooseSender(sending.mailboxes(), mail.sender());
          OutboundDraft draft =
              AnswerRules.draft(
                      recipients, mail.subject(), mail.content(), mail.importance(), List.of())
                  .withUploads(files)
                  .withLabels(labels.isEmpty() ? null : labels);
          if (inReplyTo == null) {
            return sendAndWait(from, draft, SendKind.NEW, null, correlationId);
          }
          // Threaded with the answered message where this mailbox holds it (its thread and
          // References), else with its Message-ID alone, which the recipient's client threads by.
          return reads
              .byMessageId(from, inReplyTo)
              .map(original -> sendAndWait(from, draft, SendKind.NEW, original, correlationId))
              .defaultIfEmpty(
                  Mono.defer(
                      () ->
                          sendAndWait(
                              from, draft.inReplyTo(inReplyTo), SendKind.NEW, null, correlationId)))
              .flatMap(send -> send);
        });
  }

  private static final Pattern MESSAGE_ID = Pattern.compile("<?([^<>@\\s]+@[^<>@\\s]+)>?");

  /** A Message-ID without its angle brackets, or null when the text is not one. */
  private static String messageId(String text) {
    if (text == null) {
      return null;
    }
    var matcher = MESSAGE_ID.matcher(text.strip());
    return matcher.matches() ? matcher.group(1) : null;
  }

  /**
   * A single body must be there and of a known type; text and HTML side by side are both optional.
   */
  private static void checkBody(InputCheck check, OutgoingMail.Body body) {
    if (body instanceof OutgoingMail.Content content) {
      check.require("body", content.body()).oneOf("bodyType", content.bodyType(), BODY_TYPES);
    }
  }

  /**
   * The scopes of a reply or forward: {@code reading} must hold the original, {@code sending} the
   * mailbox it came to, which the answer goes out from.
   */
  /**
   * Where the original of a reply or forward is looked up, and which mailboxes may answer it.
   *
   * @param trashIsGone whether a message in Trash counts as deleted, as in the families whose
   *     delete hides it (seeds 003 and 004): one cannot then be answered either
   */
  public record AnswerScope(MailboxScope reading, MailboxScope sending, boolean trashIsGone) {
    public AnswerScope(MailboxScope reading, MailboxScope sending) {
      this(reading, sending, false);
    }
  }

  public Mono<StoredMessage> reply(
      AnswerScope scope, String emailId, ReplyMail mail, String correlationId) {
    InputCheck check = InputCheck.check();
    checkBody(check, mail.content());
    return answer(
        scope,
        emailId,
        check,
        mail.files(),
        (original, mailbox) -> {
          List<Participant> to =
              AnswerRules.replyRecipients(original, mailbox, mail.replyAll(), true);
          List<Participant> cc =
              mail.replyAll()
                  ? AnswerRules.replyRecipients(original, mailbox, true, false)
                  : List.of();
          OutboundDraft draft =
              AnswerRules.draft(
                  new Recipients(to, cc, List.of()),
                  AnswerRules.replySubject(original.subject()),
                  mail.content(),
                  null,
                  List.of());
          return new Answer(draft, mail.replyAll() ? SendKind.REPLY_ALL : SendKind.REPLY);
        },
        correlationId);
  }

  public Mono<StoredMessage> forward(
      AnswerScope scope, String emailId, ForwardMail mail, String correlationId) {
    InputCheck check =
        InputCheck.check()
            .participants("to", mail.recipients().to(), true)
            .participants("cc", mail.recipients().cc(), false)
            .oneOf("bodyType", mail.note().bodyType(), BODY_TYPES);
    return answer(
        scope,
        emailId,
        check,
        OutgoingMail.Files.none(),
        (original, mailbox) ->
            new Answer(
                AnswerRules.draft(
                    new Recipients(mail.recipients().to(), mail.recipients().cc(), List.of()),
                    AnswerRules.forwardSubject(original.subject()),
                    mail.note(),
                    null,
                    AnswerRules.topLevel(original.attachments())),
                SendKind.FORWARD),
        correlationId);
  }

  /** What a reply or forward sends, given the original and the mailbox it came to. */
  private record Answer(OutboundDraft draft, SendKind kind) {}

  /**
   * Reply and forward alike: the original must be in the reading scope, and is answered from the
   * mailbox it belongs to, which must be in the sending scope.
   */
  private Mono<StoredMessage> answer(
      AnswerScope scope,
      String emailId,
      InputCheck check,
      OutgoingMail.Files files,
      BiFunction<StoredMessage, MailboxIdentity, Answer> answering,
      String correlationId) {
    return Mono.defer(
        () -> {
          check.orThrow();
          List<AttachmentPolicy.Accepted> uploads = files.check();
          return (scope.trashIsGone()
                  ? reads.findOutsideTrash(scope.reading(), emailId)
                  : reads.find(scope.reading(), emailId))
              .flatMap(
                  original -> {
                    MailboxIdentity mailbox =
                        AnswerRules.answeringMailbox(original, scope.sending().mailboxes());
                    Answer answer = answering.apply(original, mailbox);
                    AnswerRules.checkTakenFromOriginal(answer.draft());
                    return sendAndWait(
                        mailbox,
                        answer.draft().withUploads(uploads),
                        answer.kind(),
                        original,
                        correlationId);
                  });
        });
  }

  private Mono<StoredMessage> sendAndWait(
      MailboxIdentity mailbox,
      OutboundDraft draft,
      SendKind kind,
      StoredMessage original,
      String correlationId) {
    return refuseSuppressed(mailbox.tenantId(), draft)
        .then(Mono.defer(() -> writes.send(mailbox, draft, kind, original, correlationId)))
        .flatMap(queued -> WriteProgress.durable(queued).thenReturn(queued))
        .flatMap(queued -> writes.awaitOutcome(queued, sendWait));
  }

  /**
   * Refuses a message to an address on the tenant's suppression list (it bounced for good), naming
   * each such recipient: sent again, it would only bounce again.
   */
  private Mono<Void> refuseSuppressed(String tenantId, OutboundDraft draft) {
    Map<String, String> fields = new LinkedHashMap<>();
    addFields(fields, "to", draft.to());
    addFields(fields, "cc", draft.cc());
    addFields(fields, "bcc", draft.bcc());
    return suppressions
        .findAmong(tenantId, fields.keySet())
        .collectList()
        .flatMap(
            found -> {
              if (found.isEmpty()) {
                return Mono.empty();
              }
              List<FieldProblem> problems =
                  found.stream()
                      .map(
                          s ->
                              new FieldProblem(
                                  fields.get(s.address()),
                                  "is suppressed: mail to it bounced for good ("
                                      + s.reason()
                                      + "); an operator can lift this with DELETE"
                                      + " /admin/tenants/{tenantId}/suppressions/{address}"))
                      .toList();
              return Mono.error(
                  new MailException.InvalidInput(
                      "A recipient is on the suppression list", problems, false));
            });
  }

  /** Each recipient's address (lower case) and the field it came in, the first one for a repeat. */
  private static void addFields(
      Map<String, String> fields, String field, List<Participant> participants) {
    for (int i = 0; i < participants.size(); i++) {
      String email = participants.get(i).email();
      if (email != null) {
        fields.putIfAbsent(email.toLowerCase(Locale.ROOT), field + "[" + i + "].email");
      }
    }
  }
}
