package dev.mailroom.gateway.mail;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.command.CommandSubmitter;
import dev.mailroom.gateway.core.AttachmentPolicy;
import dev.mailroom.model.command.DeleteMessage;
import dev.mailroom.model.command.ModifyMessages;
import dev.mailroom.model.command.SendKind;
import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.mailbox.MailboxIdentity;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.Participants;
import dev.mailroom.store.message.PendingBody;
import dev.mailroom.store.message.SearchTokens;
import dev.mailroom.store.message.Snippets;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.message.SubjectKey;
import dev.mailroom.store.mime.HtmlText;
import dev.mailroom.store.ratelimit.SlidingWindowRateLimiter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The write side every route family shares. Each write is durable before it returns: large bodies
 * in S3, then the message record (small bodies inside it), then its command in the outbox (see ADR
 * 4).
 */
@Component
public class MessageWrites {

  /** The labels sync gives a message for the folder it is in (see the sync worker). */
  public static final Set<String> FOLDER_LABELS =
      Set.of("INBOX", "SENT", "DRAFT", "SPAM", "ARCHIVE", MessageRepository.TRASH);

  private final MessageRepository messages;
  private final BlobStore blobs;
  private final CommandSubmitter commands;
  private final SlidingWindowRateLimiter limiter;
  private final int sendsPerHour;
  private final Clock clock;

  public MessageWrites(
      MessageRepository messages,
      BlobStore blobs,
      CommandSubmitter commands,
      SlidingWindowRateLimiter limiter,
      GatewayProperties properties,
      Clock clock) {
    this.messages = messages;
    this.blobs = blobs;
    this.commands = commands;
    this.limiter = limiter;
    this.sendsPerHour = properties.rateLimits().sendsPerMailboxPerHour();
    this.clock = clock;
  }

  /**
   * Records an outbound message as {@code queued} and queues its send, if the mailbox is within its
   * hourly send limit (else {@link MailException.RateLimited}, which says when a slot frees up).
   */
  public Mono<StoredMessage> send(
      MailboxIdentity mailbox,
      OutboundDraft draft,
      SendKind kind,
      StoredMessage original,
      String correlationId) {
    return Mono.deferContextual(
        context -> send(mailbox, draft, kind, original, correlationId, WriteIds.of(context)));
  }

  private Mono<StoredMessage> send(
      MailboxIdentity mailbox,
      OutboundDraft draft,
      SendKind kind,
      StoredMessage original,
      String correlationId,
      WriteIds ids) {
    String id = ids.next("msg");
    Instant now = now();
    PendingBody pendingBody =
        PendingBody.fits(draft.textBody(), draft.htmlBody())
            ? new PendingBody(draft.textBody(), draft.htmlBody())
            : null;
    String textKey =
        pendingBody != null || draft.textBody() == null
            ? null
            : BlobKeys.textBody(mailbox.tenantId(), mailbox.id(), id);
    String htmlKey =
        pendingBody != null || draft.htmlBody() == null
            ? null
            : BlobKeys.htmlBody(mailbox.tenantId(), mailbox.id(), id);
    // Files sent with the request get server-made ids and keys; they are sent after the ones the
    // draft already holds in S3 (a forward's).
    List<Attachment> uploaded = new ArrayList<>();
    List<Mono<Void>> uploads = new ArrayList<>();
    for (AttachmentPolicy.Accepted file : draft.uploads()) {
      String attachmentId = ids.next("att");
      String key = BlobKeys.attachment(mailbox.tenantId(), mailbox.id(), id, attachmentId);
      uploaded.add(
          new Attachment(
              attachmentId,
              file.filename(),
              file.contentType(),
              file.content().length,
              false,
              null,
              key));
      uploads.add(blobs.put(key, file.content(), file.contentType()));
    }
    List<Attachment> attachments = new ArrayList<>(draft.attachments());
    attachments.addAll(uploaded);
    boolean answers = original != null && kind != SendKind.FORWARD;
    List<String> references = new ArrayList<>();
    if (answers) {
      references.addAll(original.references() == null ? List.of() : original.references());
      // Mail can arrive without a Message-ID: the answer is threaded here all the same, but has
      // nothing to name in its headers.
      if (original.rfcMessageId() != null) {
        references.add(original.rfcMessageId());
      }
    } else if (draft.inReplyTo() != null) {
      references.add(draft.inReplyTo());
    }
    Participant from = new Participant(mailbox.address(), mailbox.displayName());
    String preview =
        Snippets.of(
            draft.textBody() != null ? draft.textBody() : HtmlText.toText(draft.htmlBody()));
    List<String> toEmails = Participants.emails(draft.to());
    StoredMessage message =
        new StoredMessage(
            id,
            mailbox.tenantId(),
            mailbox.id(),
            mailbox.provider(),
            StoredMessage.pendingProviderId(id),
            original != null ? original.threadId() : ids.next("thr"),
            id + "@" + domain(mailbox.address()),
            answers ? original.rfcMessageId() : draft.inReplyTo(),
            references,
            draft.subject(),
            SubjectKey.of(draft.subject()),
            from,
            draft.to(),
            draft.cc(),
            draft.bcc(),
            mailbox.address().toLowerCase(Locale.ROOT),
            toEmails,
            Participants.everyone(from, draft.to(), draft.cc(), draft.bcc()),
            preview,
            textKey,
            htmlKey,
            null,
            now,
            now,
            true,
            draft.labels() == null ? List.of("SENT") : withSent(draft.labels()),
            draft.importance(),
            !attachments.isEmpty(),
            attachments,
            Direction.OUTBOUND,
            MessageStatus.QUEUED,
            null,
            SearchTokens.of(
                draft.subject(),
                mailbox.address(),
                mailbox.displayName(),
                String.join(" ", toEmails),
                preview),
            now,
            now,
            null,
            pendingBody);
    Mono<Void> bodies =
        Mono.when(
            textKey == null
                ? Mono.empty()
                : blobs.put(textKey, utf8(draft.textBody()), "text/plain; charset=utf-8"),
            htmlKey == null
                ? Mono.empty()
                : blobs.put(htmlKey, utf8(draft.htmlBody()), "text/html; charset=utf-8"),
            Mono.when(uploads));
    // A body too large for the message record travels to the worker through S3 as well, not in
    // the command: a command must fit one Kafka record (ADR 16).
    SendMessage command =
        new SendMessage(
            ids.next("cmd"),
            mailbox.tenantId(),
            mailbox.id(),
            id,
            kind,
            original == null ? null : original.id(),
            draft.to(),
            draft.cc(),
            draft.bcc(),
            draft.subject(),
            textKey == null ? draft.textBody() : null,
            htmlKey == null ? draft.htmlBody() : null,
            draft.importance(),
            message.labels(),
            attachments,
            now);
    return commands
        .ensureFits(command)
        .then(
            Mono.defer(
                () ->
                    limiter.tryAcquire(
                        "mbx:" + mailbox.id() + ":sends:1h",
                        sendsPerHour,
                        Duration.ofHours(1),
                        clock.instant())))
        .flatMap(
            decision ->
                decision.allowed()
                    ? Mono.<Void>empty()
                    : Mono.error(
                        new MailException.RateLimited(
                            "Mailbox "
                                + mailbox.address()
                                + " has sent "
                                + sendsPerHour
                                + " messages in the last hour",
                            decision)))
        .then(bodies)
        .then(
            messages
                .insert(message)
                .onErrorResume(
                    DuplicateKeyException.class,
                    stored ->
                        ids.stable()
                            // An earlier run of this request stored it and died before answering.
                            ? messages.findByIdIncludingDeleted(mailbox.tenantId(), id)
                            : Mono.error(stored)))
        .flatMap(saved -> commands.submit(command, correlationId).thenReturn(saved));
  }

  /**
   * The message once the worker has sent or failed it, or as it still is after {@code wait}: route
   * families that answer a send synchronously use this.
   */
  public Mono<StoredMessage> awaitOutcome(StoredMessage queued, Duration wait) {
    if (wait.isZero() || wait.isNegative()) {
      return Mono.just(queued);
    }
    return Mono.defer(() -> messages.findByIdIncludingDeleted(queued.tenantId(), queued.id()))
        .filter(m -> m.status() != MessageStatus.QUEUED && m.status() != MessageStatus.SENDING)
        .repeatWhenEmpty(
            attempts ->
                attempts
                    .delayElements(Duration.ofMillis(100))
                    .take(Math.max(1, wait.toMillis() / 100)))
        .defaultIfEmpty(queued);
  }

  /** Applies read state and labels at once and queues the change for the provider. */
  public Mono<StoredMessage> modify(
      StoredMessage message,
      Boolean markAsRead,
      List<String> add,
      List<String> remove,
      String correlationId) {
    return messages
        .modify(message.tenantId(), message.id(), markAsRead, add, remove, now())
        .flatMap(
            updated ->
                commands
                    .submit(
                        new ModifyMessages(
                            Ids.newId("cmd"),
                            message.tenantId(),
                            message.mailboxId(),
                            List.of(message.id()),
                            markAsRead,
                            add == null ? List.of() : add,
                            remove == null ? List.of() : remove,
                            now()),
                        correlationId)
                    .thenReturn(updated));
  }

  /**
   * Soft delete, as seed 001 means it: the message moves to Trash at once in the store (out of
   * searches, still readable and recoverable) and at the provider through a command. A message
   * already in Trash stays as it is: deleting it again destroys nothing.
   */
  public Mono<Void> delete(StoredMessage message, String correlationId) {
    if (message.labels() != null && message.labels().contains(MessageRepository.TRASH)) {
      return Mono.empty();
    }
    return messages
        .trash(message.tenantId(), message.id(), trashLabels(message.labels()), now())
        .flatMap(
            trashed ->
                commands.submit(
                    new DeleteMessage(
                        Ids.newId("cmd"),
                        message.tenantId(),
                        message.mailboxId(),
                        message.id(),
                        now()),
                    correlationId))
        .then();
  }

  /** In Trash a message keeps its keywords and star but leaves the folder it was in. */
  private static List<String> trashLabels(List<String> labels) {
    List<String> kept = new ArrayList<>();
    kept.add(MessageRepository.TRASH);
    for (String label : labels == null ? List.<String>of() : labels) {
      if (!FOLDER_LABELS.contains(label) && !kept.contains(label)) {
        kept.add(label);
      }
    }
    return kept;
  }

  // MongoDB keeps milliseconds; truncating keeps responses equal to what is read back later.
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static List<String> withSent(List<String> labels) {
    List<String> all = new ArrayList<>(labels);
    if (!all.contains("SENT")) {
      all.add("SENT");
    }
    return all;
  }

  private static String domain(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? "mailroom.local" : address.substring(at + 1);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
