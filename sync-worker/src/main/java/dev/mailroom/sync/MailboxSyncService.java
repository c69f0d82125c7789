package dev.mailroom.sync;

import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.provider.spi.FolderStatus;
import dev.mailroom.provider.spi.MailProviders;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.mailbox.FolderSyncState;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxStatus;
import dev.mailroom.store.mailbox.SyncState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Runs one {@link SyncMailbox} command: reads every folder's position at the provider, records it
 * as the mailbox's sync state and announces {@link MailboxSyncCompleted}. Message download is not
 * part of this step yet, so the run reports no messages added.
 */
@Service
public class MailboxSyncService {
  static final String SOURCE = "/mailroom/sync-worker";
  private static final Logger log = LoggerFactory.getLogger(MailboxSyncService.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

  private final MailboxRepository mailboxes;
  private final MailProviders providers;
  private final MailboxAccessFactory access;
  private final EnvelopePublisher publisher;
  private final Clock clock = Clock.systemUTC();

  public MailboxSyncService(
      MailboxRepository mailboxes,
      MailProviders providers,
      MailboxAccessFactory access,
      EnvelopePublisher publisher) {
    this.mailboxes = mailboxes;
    this.providers = providers;
    this.access = access;
    this.publisher = publisher;
  }

  public void sync(SyncMailbox command, String correlationId) {
    Mailbox mailbox =
        mailboxes.findById(command.tenantId(), command.mailboxId()).block(STORE_TIMEOUT);
    if (mailbox == null) {
      log.warn(
          "Sync {} for mailbox {} that no longer exists: dropped",
          command.commandId(),
          command.mailboxId());
      return;
    }
    if (mailbox.status() != MailboxStatus.ACTIVE) {
      log.info(
          "Sync {} skipped: mailbox {} is {}", command.commandId(), mailbox.id(), mailbox.status());
      return;
    }
    Instant started = clock.instant();
    try (MailboxSession session =
        providers.forKind(mailbox.provider()).open(access.accessFor(mailbox))) {
      List<FolderStatus> folders = session.folders();
      long total = folders.stream().mapToLong(FolderStatus::messages).sum();
      Instant completed = clock.instant();
      SyncState previous = mailbox.sync() == null ? SyncState.never() : mailbox.sync();
      mailboxes
          .updateSync(
              mailbox.tenantId(),
              mailbox.id(),
              new SyncState(
                  "idle",
                  folders.stream()
                      .map(
                          f ->
                              new FolderSyncState(
                                  f.name(),
                                  f.role(),
                                  f.uidValidity(),
                                  f.uidNext(),
                                  f.highestModSeq(),
                                  f.messages()))
                      .toList(),
                  previous.messagesDone(),
                  total,
                  completed,
                  previous.lastErrorAt(),
                  previous.lastError()))
          .block(STORE_TIMEOUT);
      publisher
          .publish(
              Envelope.wrap(
                  new MailboxSyncCompleted(
                      mailbox.tenantId(),
                      mailbox.id(),
                      command.commandId(),
                      command.mode(),
                      folders.size(),
                      total,
                      0,
                      0,
                      0,
                      started,
                      completed),
                  SOURCE,
                  completed,
                  correlationId))
          .block(STORE_TIMEOUT);
    } catch (ProviderException.AuthRevoked e) {
      recordError(mailbox, e);
      // Once: a second worker (or a redelivery) finds the status already changed and stays quiet.
      if (Boolean.TRUE.equals(
          mailboxes
              .transitionStatus(
                  mailbox.tenantId(),
                  mailbox.id(),
                  MailboxStatus.ACTIVE,
                  MailboxStatus.REAUTH_REQUIRED)
              .block(STORE_TIMEOUT))) {
        log.warn("Mailbox {} needs re-authentication: {}", mailbox.id(), e.getMessage());
      }
    } catch (ProviderException.Transient | ProviderException.RateLimited e) {
      recordError(mailbox, e);
      throw new RetryableSyncException("Sync of " + mailbox.id() + " failed: " + e.getMessage(), e);
    } catch (ProviderException.NotFound | ProviderException.Permanent e) {
      recordError(mailbox, e);
      log.warn("Sync of mailbox {} failed permanently: {}", mailbox.id(), e.getMessage());
    } catch (ProviderException e) {
      throw new IllegalStateException("Unmapped provider error", e);
    }
  }

  private void recordError(Mailbox mailbox, ProviderException e) {
    SyncState previous = mailbox.sync() == null ? SyncState.never() : mailbox.sync();
    mailboxes
        .updateSync(
            mailbox.tenantId(),
            mailbox.id(),
            new SyncState(
                "error",
                previous.folders(),
                previous.messagesDone(),
                previous.messagesTotal(),
                previous.lastSuccessAt(),
                clock.instant(),
                e.getMessage()))
        .block(STORE_TIMEOUT);
  }
}
