package dev.mailroom.send;

import dev.mailroom.model.command.SendKind;
import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.event.MessageFailed;
import dev.mailroom.model.event.MessageSent;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailProviders;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.hosted.ReturnPaths;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.SendProgress;
import dev.mailroom.store.message.Snapshots;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.mime.MimeParser;
import dev.mailroom.store.mime.ParsedMessage;
import dev.mailroom.worker.MailboxAccessFactory;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Sends one queued message, at most once however often its command is delivered. The message is
 * marked {@code sending} when claimed and marked again just before the provider is called; the
 * provider's acceptance is recorded ({@code sent}) at once, and only then is the Sent folder's copy
 * made, retried on its own if it fails, so a failing copy never sends the message again. A delivery
 * that finds a message sending past the second mark cannot know whether the provider took it: it
 * asks the provider when the provider keeps the Sent copy itself, and otherwise follows {@link
 * SendProperties#unconfirmedSubmission()}.
 */
@Service
public class SendService {
  static final String SOURCE = "/mailroom/send-worker";
  private static final Logger log = LoggerFactory.getLogger(SendService.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

  private final MessageRepository messages;
  private final MailboxRepository mailboxes;
  private final BlobStore blobs;
  private final MailProviders providers;
  private final MailboxAccessFactory access;
  private final EnvelopePublisher publisher;
  private final Clock clock;
  private final SendProperties properties;
  private final MeterRegistry meters;

  private final ReturnPaths returnPaths;

  public SendService(
      MessageRepository messages,
      MailboxRepository mailboxes,
      BlobStore blobs,
      MailProviders providers,
      MailboxAccessFactory access,
      EnvelopePublisher publisher,
      Clock clock,
      SendProperties properties,
      MeterRegistry meters,
      ReturnPaths returnPaths) {
    this.returnPaths = returnPaths;
    this.clock = clock;
    this.properties = properties;
    this.meters = meters;
    this.messages = messages;
    this.mailboxes = mailboxes;
    this.blobs = blobs;
    this.providers = providers;
    this.access = access;
    this.publisher = publisher;
  }

  public void send(SendMessage command, String correlationId) {
    Mailbox mailbox =
        mailboxes.findById(command.tenantId(), command.mailboxId()).block(STORE_TIMEOUT);
    if (mailbox == null) {
      log.warn("Send {} for a mailbox that no longer exists: dropped", command.commandId());
      return;
    }
    MailboxAccess credentials = access.accessFor(mailbox);
    // The common case in one write: a queued message becomes sending.
    StoredMessage message =
        messages
            .claimForSending(command.tenantId(), command.messageId(), clock.instant())
            .block(STORE_TIMEOUT);
    boolean resumed = message == null;
    if (resumed) {
      message =
          messages
              .findByIdIncludingDeleted(command.tenantId(), command.messageId())
              .block(STORE_TIMEOUT);
      if (message == null) {
        log.warn("Send {} for a message that no longer exists: dropped", command.commandId());
        return;
      }
      if (message.status() == MessageStatus.SENT) {
        // Redelivered after the provider took it: at most the Sent copy is left to make.
        saveSentCopyIfPending(mailbox, credentials, message);
        // Events are at-least-once: the delivery before may have stopped before publishing.
        publish(
            new MessageSent(
                message.tenantId(),
                message.mailboxId(),
                command.commandId(),
                Snapshots.of(message)),
            correlationId);
        return;
      }
      if (message.status() != MessageStatus.SENDING) {
        return; // failed, unknown, or moved on by another delivery meanwhile
      }
    }
    try {
      MailProvider provider = providers.forKind(mailbox.provider());
      if (resumed && !resumeSending(provider, credentials, command, message, correlationId)) {
        return;
      }
      byte[] raw = compose(command, message, mailbox);
      blobs.put(rawKeyOf(message), raw, "message/rfc822").block(STORE_TIMEOUT);
      if (messages
              .markSubmitting(message.tenantId(), message.id(), clock.instant())
              .block(STORE_TIMEOUT)
          == null) {
        return; // another delivery moved it on meanwhile
      }
      String providerMessageId;
      try {
        providerMessageId =
            submit(provider, credentials, command, message, raw, returnPath(mailbox, message))
                .orElse(null);
      } catch (UnconfirmedSubmission e) {
        markUnknown(command, message, correlationId);
        return;
      }
      // Recorded the moment the provider took it: the window a crash leaves unknown is this write.
      boolean copyPending = !provider.capabilities().contains(Capability.SERVER_SIDE_SENT_COPY);
      StoredMessage sent =
          recordSent(
              command, message, clock.instant(), copyPending, providerMessageId, correlationId);
      if (copyPending) {
        saveSentCopy(provider, credentials, sent, raw);
      }
    } catch (ProviderException.Transient | ProviderException.RateLimited e) {
      throw new RetryableSendException("Send of " + message.id() + " failed: " + e.getMessage(), e);
    } catch (ProviderException e) {
      fail(command, message, reason(e), e.getMessage(), correlationId);
    } catch (MessagingException | IOException e) {
      fail(
          command,
          message,
          "permanent",
          "The message could not be built: " + e.getMessage(),
          correlationId);
    }
  }

  /**
   * Settles a send whose command ran out of retries, so it does not stay queued or sending for
   * ever: one never handed over becomes {@code failed} (reason {@code retries_exhausted}), one that
   * may have been handed over {@code unknown}, and a sent one whose Sent copy kept failing records
   * that copy as failed.
   */
  public void giveUp(SendMessage command, String correlationId, Throwable cause) {
    String detail = "Gave up after repeated failures: " + innermostMessage(cause);
    StoredMessage message =
        messages
            .claimForSending(command.tenantId(), command.messageId(), clock.instant())
            .switchIfEmpty(
                messages.findByIdIncludingDeleted(command.tenantId(), command.messageId()))
            .block(STORE_TIMEOUT);
    if (message == null) {
      return;
    }
    SendProgress progress =
        messages.sendProgress(message.tenantId(), message.id()).block(STORE_TIMEOUT);
    if (message.status() == MessageStatus.SENDING) {
      if (progress != null && progress.submitStartedAt() != null) {
        markUnknown(command, message, correlationId);
      } else {
        fail(command, message, "retries_exhausted", detail, correlationId);
      }
    } else if (message.status() == MessageStatus.SENT
        && progress != null
        && progress.sentCopy() == SendProgress.SentCopy.PENDING) {
      messages
          .recordSentCopy(
              message.tenantId(),
              message.id(),
              SendProgress.SentCopy.FAILED,
              detail,
              clock.instant())
          .block(STORE_TIMEOUT);
    }
  }

  private static String innermostMessage(Throwable cause) {
    Throwable innermost = cause;
    while (innermost.getCause() != null && innermost.getCause() != innermost) {
      innermost = innermost.getCause();
    }
    return String.valueOf(innermost.getMessage());
  }

  /**
   * Hands the message to the provider. A refusal the provider says may pass (a 4xx reply, a server
   * that cannot be reached) takes the submission mark back and retries the command: nothing was
   * sent. A permanent refusal is thrown to be recorded as a failure.
   */
  private Optional<String> submit(
      MailProvider provider,
      MailboxAccess credentials,
      SendMessage command,
      StoredMessage message,
      byte[] raw,
      String returnPath)
      throws ProviderException {
    try {
      return provider.submit(credentials, raw, envelopeRecipients(command), returnPath);
    } catch (ProviderException.Unconfirmed e) {
      // The submission mark stays: a redelivery finds the send may have happened, and the
      // configured policy decides, as for a worker that stopped in the same window.
      if (properties.unconfirmedSubmission() == SendProperties.UnconfirmedSubmission.AT_MOST_ONCE) {
        log.warn("Send of message {}: {}", message.id(), e.getMessage());
        throw new UnconfirmedSubmission(e);
      }
      throw new RetryableSendException(
          "Send of " + message.id() + " unconfirmed: " + e.getMessage(), e);
    } catch (ProviderException.Transient | ProviderException.RateLimited e) {
      messages
          .clearSubmitting(message.tenantId(), message.id(), clock.instant())
          .block(STORE_TIMEOUT);
      throw new RetryableSendException("Send of " + message.id() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Decides what a delivery that finds the message already sending does: true to send it, false
   * when its outcome is settled here. An earlier delivery that never reached the submission left
   * nothing to doubt. One that did may have been accepted: a provider that keeps the Sent copy
   * itself is asked; otherwise the configured policy decides.
   */
  private boolean resumeSending(
      MailProvider provider,
      MailboxAccess credentials,
      SendMessage command,
      StoredMessage message,
      String correlationId)
      throws ProviderException {
    SendProgress progress =
        messages.sendProgress(message.tenantId(), message.id()).block(STORE_TIMEOUT);
    boolean submitted = progress != null && progress.submitStartedAt() != null;
    if (submitted && alreadySent(provider, credentials, message)) {
      log.info(
          "Message {} was sent before this worker could record it; not sending again",
          message.id());
      // The raw MIME was stored before that earlier submission, under the same key.
      recordSent(command, message, null, false, null, correlationId);
      return false;
    }
    if (submitted && !provider.capabilities().contains(Capability.SERVER_SIDE_SENT_COPY)) {
      if (properties.unconfirmedSubmission() == SendProperties.UnconfirmedSubmission.AT_MOST_ONCE) {
        markUnknown(command, message, correlationId);
        return false;
      }
      log.warn(
          "Message {} may have been sent by a worker that stopped; sending it again", message.id());
      meters.counter("mailroom.send.resubmitted").increment();
    }
    return messages
            .confirmSending(message.tenantId(), message.id(), clock.instant())
            .block(STORE_TIMEOUT)
        != null; // null: another delivery moved it on meanwhile
  }

  /** A submission whose answer was lost, in at-most-once mode: settled as unknown at once. */
  private static final class UnconfirmedSubmission extends RuntimeException {
    UnconfirmedSubmission(Throwable cause) {
      super(cause);
    }
  }

  private void markUnknown(SendMessage command, StoredMessage message, String correlationId) {
    String detail =
        "The mail server may have accepted this message before its answer was lost (the"
            + " connection failed, or the worker handling it stopped); it was not sent again";
    log.warn("Send of message {}: outcome unknown, not sent again", message.id());
    if (messages
            .markUnknown(message.tenantId(), message.id(), detail, clock.instant())
            .block(STORE_TIMEOUT)
        == null) {
      return;
    }
    meters.counter("mailroom.send.unknown").increment();
    publish(
        new MessageFailed(
            message.tenantId(),
            message.mailboxId(),
            command.commandId(),
            message.id(),
            "outcome_unknown",
            detail,
            clock.instant()),
        correlationId);
  }

  /** A redelivery's share of a sent message: the Sent copy, if one is still owed. */
  private void saveSentCopyIfPending(
      Mailbox mailbox, MailboxAccess credentials, StoredMessage message) {
    SendProgress progress =
        messages.sendProgress(message.tenantId(), message.id()).block(STORE_TIMEOUT);
    if (progress == null || progress.sentCopy() != SendProgress.SentCopy.PENDING) {
      return;
    }
    MailProvider provider;
    try {
      provider = providers.forKind(mailbox.provider());
    } catch (ProviderException e) {
      throw new IllegalStateException("No provider for " + mailbox.provider(), e);
    }
    try {
      // An earlier try may have made the copy and stopped before recording it.
      if (alreadySent(provider, credentials, message)) {
        messages
            .recordSentCopy(
                message.tenantId(),
                message.id(),
                SendProgress.SentCopy.SAVED,
                null,
                clock.instant())
            .block(STORE_TIMEOUT);
        return;
      }
    } catch (ProviderException.Transient | ProviderException.RateLimited e) {
      throw new RetryableSendException(
          "Sent copy of " + message.id() + " failed: " + e.getMessage(), e);
    } catch (ProviderException e) {
      // Cannot look: try to make the copy all the same.
    }
    byte[] raw = blobs.get(rawKeyOf(message)).block(STORE_TIMEOUT);
    if (raw == null) {
      messages
          .recordSentCopy(
              message.tenantId(),
              message.id(),
              SendProgress.SentCopy.FAILED,
              "The sent message is missing from storage",
              clock.instant())
          .block(STORE_TIMEOUT);
      return;
    }
    saveSentCopy(provider, credentials, message, raw);
  }

  /**
   * Makes the Sent folder's copy of a message the provider already accepted. A failure that may
   * pass retries the command, which then only makes the copy; one that will not (a full mailbox) is
   * recorded on the message, which stays sent.
   */
  private void saveSentCopy(
      MailProvider provider, MailboxAccess credentials, StoredMessage message, byte[] raw) {
    SendProgress.SentCopy outcome = SendProgress.SentCopy.SAVED;
    String error = null;
    try (MailboxSession session = provider.openPooled(credentials)) {
      session.appendToSent(raw);
    } catch (ProviderException.Transient | ProviderException.RateLimited e) {
      throw new RetryableSendException(
          "Sent copy of " + message.id() + " failed: " + e.getMessage(), e);
    } catch (ProviderException e) {
      log.warn("Sent copy of message {} refused: {}", message.id(), e.getMessage());
      outcome = SendProgress.SentCopy.FAILED;
      error = e.getMessage();
    }
    messages
        .recordSentCopy(message.tenantId(), message.id(), outcome, error, clock.instant())
        .block(STORE_TIMEOUT);
  }

  private boolean alreadySent(
      MailProvider provider, MailboxAccess credentials, StoredMessage message)
      throws ProviderException {
    try (MailboxSession session = provider.openPooled(credentials)) {
      return session.findSent(message.rfcMessageId()).isPresent();
    }
  }

  /**
   * A hosted mailbox's message is sent with a return path of its own, so its bounces come back
   * naming it (VERP); a connected mailbox keeps its address, where its own server takes them.
   */
  private String returnPath(Mailbox mailbox, StoredMessage message) {
    return mailbox.provider() == ProviderKind.HOSTED
        ? returnPaths.of(mailbox.address(), message.id()).orElse(null)
        : null;
  }

  private static String rawKeyOf(StoredMessage message) {
    return BlobKeys.rawMime(message.tenantId(), message.mailboxId(), message.id());
  }

  /**
   * One write moves the message from sending to sent, its body now read from the raw MIME it was
   * sent as ({@code sentAt} null keeps the record's time), and returns it for the event. If that
   * write finds it no longer sending, another delivery recorded it: the event describes the message
   * as stored.
   */
  private StoredMessage recordSent(
      SendMessage command,
      StoredMessage message,
      Instant sentAt,
      boolean sentCopyPending,
      String providerMessageId,
      String correlationId) {
    StoredMessage sent =
        messages
            .markSent(
                message.tenantId(),
                message.id(),
                rawKeyOf(message),
                sentAt,
                sentCopyPending,
                providerMessageId,
                clock.instant())
            .switchIfEmpty(messages.findByIdIncludingDeleted(message.tenantId(), message.id()))
            .block(STORE_TIMEOUT);
    StoredMessage recorded = sent == null ? message : sent;
    publish(
        new MessageSent(
            message.tenantId(), message.mailboxId(), command.commandId(), Snapshots.of(recorded)),
        correlationId);
    return recorded;
  }

  private void fail(
      SendMessage command,
      StoredMessage message,
      String reason,
      String detail,
      String correlationId) {
    log.warn("Send of message {} failed ({}): {}", message.id(), reason, detail);
    // Every failure comes after send() made the message sending.
    messages
        .markFailed(message.tenantId(), message.id(), detail, clock.instant())
        .block(STORE_TIMEOUT);
    publish(
        new MessageFailed(
            message.tenantId(),
            message.mailboxId(),
            command.commandId(),
            message.id(),
            reason,
            detail,
            clock.instant()),
        correlationId);
  }

  /**
   * The command with its bodies: a body too large for the message record is in S3 under the
   * message's text or HTML key, and the command carries none (it must fit one Kafka record).
   */
  private SendMessage withBodies(SendMessage command, StoredMessage message)
      throws MessagingException {
    String text = command.textBody();
    String html = command.htmlBody();
    if (text == null && message.textKey() != null) {
      text = body(message.textKey());
    }
    if (html == null && message.htmlKey() != null) {
      html = body(message.htmlKey());
    }
    if (text == command.textBody() && html == command.htmlBody()) {
      return command;
    }
    return new SendMessage(
        command.commandId(),
        command.tenantId(),
        command.mailboxId(),
        command.messageId(),
        command.kind(),
        command.originalMessageId(),
        command.to(),
        command.cc(),
        command.bcc(),
        command.subject(),
        text,
        html,
        command.importance(),
        command.labels(),
        command.attachments(),
        command.requestedAt());
  }

  private String body(String key) throws MessagingException {
    byte[] bytes = blobs.get(key).block(STORE_TIMEOUT);
    if (bytes == null) {
      throw new MessagingException("The message body is missing from storage");
    }
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  private byte[] compose(SendMessage command, StoredMessage message, Mailbox mailbox)
      throws MessagingException, IOException {
    List<MimeComposer.Content> attachments = new ArrayList<>();
    MimeComposer.Forwarded forwarded = null;
    for (Attachment a :
        command.attachments() == null ? List.<Attachment>of() : command.attachments()) {
      if (a.blobKey() != null) {
        byte[] bytes = blobs.get(a.blobKey()).block(STORE_TIMEOUT);
        if (bytes == null) {
          throw new MessagingException("Attachment " + a.filename() + " is missing from storage");
        }
        attachments.add(
            new MimeComposer.Content(
                a.filename(), a.contentType(), a.inline(), a.contentId(), bytes));
      }
    }
    if (command.kind() == SendKind.FORWARD && command.originalMessageId() != null) {
      StoredMessage original =
          messages
              .findByIdIncludingDeleted(command.tenantId(), command.originalMessageId())
              .block(STORE_TIMEOUT);
      ParsedMessage parsed = original == null ? null : originalOf(original);
      if (parsed != null) {
        List<MimeComposer.Content> carried = new ArrayList<>();
        // Attachments of a forwarded message/rfc822 part travel inside it, not beside it too.
        parsed.attachments().stream()
            .filter(a -> a.parentId() == null)
            .forEach(
                a ->
                    carried.add(
                        new MimeComposer.Content(
                            a.filename(),
                            a.contentType(),
                            a.inline(),
                            a.contentId(),
                            a.content())));
        forwarded = new MimeComposer.Forwarded(parsed, carried);
        // The original's attachments travel from its raw message, not twice.
        attachments.removeIf(
            a -> carried.stream().anyMatch(c -> c.filename().equals(a.filename())));
      }
    }
    Participant from = new Participant(mailbox.address(), mailbox.displayName());
    return MimeComposer.compose(
        withBodies(command, message), message, from, attachments, forwarded);
  }

  private ParsedMessage originalOf(StoredMessage original) throws MessagingException, IOException {
    if (original.rawKey() == null) {
      return null;
    }
    byte[] raw = blobs.get(original.rawKey()).block(STORE_TIMEOUT);
    return raw == null ? null : MimeParser.parse(raw);
  }

  private static List<String> envelopeRecipients(SendMessage command) {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    for (List<Participant> list :
        List.of(orEmpty(command.to()), orEmpty(command.cc()), orEmpty(command.bcc()))) {
      list.forEach(p -> all.add(p.email().toLowerCase(Locale.ROOT)));
    }
    return List.copyOf(all);
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static String reason(ProviderException e) {
    if (e instanceof ProviderException.AuthRevoked) {
      return "auth_revoked";
    }
    return e instanceof ProviderException.NotFound ? "not_found" : "permanent";
  }

  private void publish(dev.mailroom.model.event.Event event, String correlationId) {
    publisher.publish(event, SOURCE, correlationId).block(STORE_TIMEOUT);
  }
}
