package dev.mailroom.sync;

import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.command.SyncTrigger;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.event.MailboxReauthRequired;
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
import dev.mailroom.worker.MailboxAccessFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Runs one {@link SyncMailbox} command: every folder is brought in line with the provider (see
 * {@link FolderSynchronizer}), progress is committed as it goes, and {@link MailboxSyncCompleted}
 * reports the counts. The first complete pass is the backfill; only later passes announce mail. One
 * command fetches at most {@code mailroom.sync.max-messages-per-run} messages, then queues a
 * continuation; the completion event (with the first command's id) comes after the last.
 */
@Service
public class MailboxSyncService {
  private static final Logger log = LoggerFactory.getLogger(MailboxSyncService.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

  private final MailboxRepository mailboxes;
  private final MailProviders providers;
  private final MailboxAccessFactory access;
  private final SyncEvents events;
  private final FolderSynchronizer synchronizer;
  private final EnvelopePublisher commands;
  private final SyncProperties properties;
  private final Clock clock = Clock.systemUTC();

  private final MeterRegistry meters;

  public MailboxSyncService(
      MailboxRepository mailboxes,
      MailProviders providers,
      MailboxAccessFactory access,
      SyncEvents events,
      FolderSynchronizer synchronizer,
      EnvelopePublisher commands,
      SyncProperties properties,
      MeterRegistry meters) {
    this.meters = meters;
    this.mailboxes = mailboxes;
    this.providers = providers;
    this.access = access;
    this.events = events;
    this.synchronizer = synchronizer;
    this.commands = commands;
    this.properties = properties;
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
    SyncState previous = mailbox.sync() == null ? SyncState.never() : mailbox.sync();
    try (MailboxSession session =
        providers.forKind(mailbox.provider()).open(access.accessFor(mailbox))) {
      List<FolderStatus> folders = session.folders();
      long total = folders.stream().mapToLong(FolderStatus::messages).sum();
      Map<String, FolderSyncState> states = new LinkedHashMap<>();
      previous.folders().forEach(f -> states.put(f.name(), f));
      Map<String, Long> storedPerFolder = new HashMap<>();
      long added = 0;
      long updated = 0;
      long deleted = 0;
      AtomicLong budget = new AtomicLong(properties.maxMessagesPerRun());
      boolean complete = true;
      for (FolderStatus folder : folders) {
        if (budget.get() <= 0) {
          complete = false;
          break;
        }
        FolderSynchronizer.FolderResult result =
            synchronizer.sync(
                mailbox,
                session,
                folder,
                states.get(folder.name()),
                previous.backfilled(),
                correlationId,
                budget,
                (state, stored) -> {
                  // Committed progress: a worker that dies now resumes from here.
                  states.put(folder.name(), state);
                  storedPerFolder.put(folder.name(), stored);
                  saveProgress(mailbox, previous, states, storedPerFolder, total);
                });
        states.put(folder.name(), result.state());
        storedPerFolder.put(folder.name(), result.total());
        added += result.added();
        updated += result.updated();
        deleted += result.deleted();
        complete &= result.complete();
      }
      if (!complete) {
        saveProgress(mailbox, previous, states, storedPerFolder, total);
        continueLater(command, correlationId);
        return;
      }
      // Folders that no longer exist at the provider are forgotten.
      states.keySet().retainAll(folders.stream().map(FolderStatus::name).toList());
      Instant completed = clock.instant();
      if (previous.lastSuccessAt() != null) {
        // Sync lag: how stale this mailbox's copy had grown since its last complete sync. Not
        // tagged by mailbox (unbounded cardinality); its maximum names the worst one's lag.
        Timer.builder("mailroom.sync.lag")
            .description("Time between a mailbox's consecutive complete syncs")
            .publishPercentiles(0.5, 0.99)
            .register(meters)
            .record(Duration.between(previous.lastSuccessAt(), completed));
      }
      mailboxes
          .updateSync(
              mailbox.tenantId(),
              mailbox.id(),
              new SyncState(
                  "idle",
                  true,
                  List.copyOf(states.values()),
                  total,
                  total,
                  completed,
                  previous.lastErrorAt(),
                  previous.lastError()))
          .block(STORE_TIMEOUT);
      events.publish(
          new MailboxSyncCompleted(
              mailbox.tenantId(),
              mailbox.id(),
              command.originalCommandId(),
              command.mode(),
              folders.size(),
              total,
              added,
              updated,
              deleted,
              started,
              completed),
          correlationId);
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
        events.publish(
            new MailboxReauthRequired(
                mailbox.tenantId(), mailbox.id(), e.getMessage(), clock.instant()),
            correlationId);
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

  /** Queues the rest of this sync behind whatever else the mailbox has waiting. */
  private void continueLater(SyncMailbox command, String correlationId) {
    commands
        .publish(
            new SyncMailbox(
                Ids.newId("cmd"),
                command.tenantId(),
                command.mailboxId(),
                command.mode(),
                SyncTrigger.CONTINUATION,
                clock.instant(),
                command.originalCommandId()),
            SyncEvents.SOURCE,
            correlationId)
        .block(STORE_TIMEOUT);
  }

  private void saveProgress(
      Mailbox mailbox,
      SyncState previous,
      Map<String, FolderSyncState> states,
      Map<String, Long> storedPerFolder,
      long total) {
    mailboxes
        .updateSync(
            mailbox.tenantId(),
            mailbox.id(),
            new SyncState(
                "syncing",
                previous.backfilled(),
                List.copyOf(states.values()),
                storedPerFolder.values().stream().mapToLong(Long::longValue).sum(),
                total,
                previous.lastSuccessAt(),
                previous.lastErrorAt(),
                previous.lastError()))
        .block(STORE_TIMEOUT);
  }

  private void recordError(Mailbox mailbox, ProviderException e) {
    SyncState previous = mailbox.sync() == null ? SyncState.never() : mailbox.sync();
    mailboxes
        .updateSync(
            mailbox.tenantId(),
            mailbox.id(),
            new SyncState(
                "error",
                previous.backfilled(),
                previous.folders(),
                previous.messagesDone(),
                previous.messagesTotal(),
                previous.lastSuccessAt(),
                clock.instant(),
                e.getMessage()))
        .block(STORE_TIMEOUT);
  }
}
