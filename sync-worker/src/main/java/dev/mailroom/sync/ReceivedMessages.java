package dev.mailroom.sync;

import dev.mailroom.model.command.ReceiveMessage;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.FetchedBatch;
import dev.mailroom.provider.spi.FetchedMessage;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.MessageFlags;
import dev.mailroom.provider.spi.Place;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.SyncCursor;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.purge.DataPurge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Stores the messages the SMTP receiver took for hosted mailboxes ({@link ReceiveMessage}): each is
 * applied as a one-message page of changes, so it is parsed, threaded, matched against sends and
 * announced ({@code message.received}) exactly as synced mail is. Its reference is the command's
 * id, so a redelivered command finds it stored and adds nothing.
 */
@Component
class ReceivedMessages {
  private static final Logger log = LoggerFactory.getLogger(ReceivedMessages.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(60);

  /** Where received mail is shown: the inbox, as a provider's folder would be. */
  static final Place INBOX = new Place("INBOX", "inbox", "received:");

  private final MailboxRepository mailboxes;
  private final BlobStore blobs;
  private final ChangeApplier applier;
  private final BouncedSends bounces;
  private final DataPurge purge;

  ReceivedMessages(
      MailboxRepository mailboxes,
      BlobStore blobs,
      ChangeApplier applier,
      BouncedSends bounces,
      DataPurge purge) {
    this.mailboxes = mailboxes;
    this.purge = purge;
    this.blobs = blobs;
    this.applier = applier;
    this.bounces = bounces;
  }

  void store(ReceiveMessage command, String correlationId) {
    Mailbox mailbox =
        mailboxes.findById(command.tenantId(), command.mailboxId()).block(STORE_TIMEOUT);
    if (mailbox == null || mailbox.provider() != ProviderKind.HOSTED) {
      // Deleted since it was received; its purge may have run before the receiver wrote the bytes.
      log.warn(
          "Received message {} for mailbox {} that is no longer hosted: dropped",
          command.commandId(),
          command.mailboxId());
      blobs.delete(command.rawKey()).block(STORE_TIMEOUT);
      return;
    }
    ProviderRef ref = new ProviderRef(INBOX.scope() + command.commandId());
    ChangePage page =
        new ChangePage(
            List.of(),
            List.of(new ChangePage.Added(ref, INBOX, true, null)),
            List.of(),
            List.of(),
            List.of(),
            SyncCursor.BEGINNING,
            false);
    SkippedMessages skipped = new SkippedMessages(List.of());
    try (Received session = new Received(command)) {
      ChangeApplier.PageResult result =
          applier.apply(
              mailbox,
              session,
              page,
              List.of(),
              true,
              correlationId,
              new AtomicLong(1),
              skipped,
              added -> {});
      if (!skipped.list().isEmpty()) {
        // Its bytes could not be read: fail, so that the command is retried and then dead-lettered
        // rather than the message dropped without a trace.
        throw new IllegalStateException(
            "Received message "
                + command.commandId()
                + " could not be stored: "
                + skipped.list().get(0).lastError());
      }
      if (mailboxes.findById(mailbox.tenantId(), mailbox.id()).block(STORE_TIMEOUT) == null) {
        // Deleted while this was stored: its purge may have run before, so what this stored is
        // removed here, as a sync does.
        log.info(
            "Mailbox {} was deleted while message {} was stored: removed what it stored: {}",
            mailbox.id(),
            command.commandId(),
            purge.purgeLeftovers(mailbox.tenantId(), mailbox.id()).block(STORE_TIMEOUT));
        return;
      }
      log.debug(
          "Received message {} stored for mailbox {} ({} added)",
          command.commandId(),
          mailbox.id(),
          result.added());
      // Read before the inbound copy goes, also when a redelivery found the message stored: a
      // retry after a failure here reads the report again.
      byte[] raw =
          session.raw != null
              ? session.raw
              : blobs
                  .get(command.rawKey())
                  .onErrorResume(gone -> Mono.empty())
                  .block(STORE_TIMEOUT);
      if (raw != null) {
        bounces.recordReport(
            mailbox, command.envelopeSender(), command.envelopeRecipient(), raw, correlationId);
      }
    } catch (ProviderException e) {
      throw new IllegalStateException("Received message " + command.commandId() + ": " + e, e);
    }
    // Stored as a message now (raw bytes included): the receiver's copy is no longer needed.
    blobs
        .delete(command.rawKey())
        .onErrorResume(
            e -> {
              log.warn("Received copy {} not deleted: {}", command.rawKey(), e.toString());
              return Mono.empty();
            })
        .block(STORE_TIMEOUT);
  }

  /** The one message of a command, read from where the receiver put it. */
  private final class Received implements MailboxSession {
    private final ReceiveMessage command;
    private byte[] raw;

    Received(ReceiveMessage command) {
      this.command = command;
    }

    @Override
    public FetchedBatch fetch(List<ProviderRef> refs, long maxBytes) {
      List<FetchedMessage> found = new ArrayList<>();
      for (ProviderRef ref : refs) {
        if (ref.value().equals(INBOX.scope() + command.commandId())) {
          raw = blobs.get(command.rawKey()).block(STORE_TIMEOUT);
          if (raw != null) {
            found.add(
                new FetchedMessage(
                    ref, raw, command.receivedAt(), new MessageFlags(false, false, List.of())));
          }
        }
      }
      return new FetchedBatch(found, List.of());
    }

    @Override
    public ChangePage changes(SyncCursor cursor, int budget) {
      throw new UnsupportedOperationException("A received message has no changes to list");
    }

    @Override
    public void setSeen(ProviderRef ref, boolean seen) {
      throw new UnsupportedOperationException("Not a provider session");
    }

    @Override
    public void setLabels(ProviderRef ref, List<String> add, List<String> remove) {
      throw new UnsupportedOperationException("Not a provider session");
    }

    @Override
    public Optional<ProviderRef> moveToTrash(ProviderRef ref) {
      throw new UnsupportedOperationException("Not a provider session");
    }

    @Override
    public Optional<ProviderRef> findSent(String rfcMessageId) {
      throw new UnsupportedOperationException("Not a provider session");
    }

    @Override
    public void appendToSent(byte[] raw) {
      throw new UnsupportedOperationException("Not a provider session");
    }

    @Override
    public void close() {
      // Nothing held.
    }
  }
}
