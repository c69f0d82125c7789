package dev.mailroom.sync;

import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.command.SyncTrigger;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.event.MailboxReauthRequired;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.model.event.MailboxSyncFailed;
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
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
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
    // What is stored as the mailbox's state now: a failure builds on the progress committed so far,
    // never on the state this command started from.
    AtomicReference<SyncState> current = new AtomicReference<>(previous);
    SkippedMessages skipped = new SkippedMessages(previous.skipped());
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
                skipped,
                (state, stored) -> {
                  // Committed progress: a worker that dies now resumes from here.
                  states.put(folder.name(), state);
                  storedPerFolder.put(folder.name(), stored);
                  saveProgress(mailbox, current, states, storedPerFolder, total, skipped);
                });
        states.put(folder.name(), result.state());
        storedPerFolder.put(folder.name(), result.total());
        added += result.added();
        updated += result.updated();
        deleted += result.deleted();
        complete &= result.complete();
      }
      if (!complete) {
        saveProgress(mailbox, current, states, storedPerFolder, total, skipped);
        continueLater(command, correlationId);
        return;
      }
      // Folders that no longer exist at the provider are forgotten.
      Set<String> folderNames =
          folders.stream().map(FolderStatus::name).collect(Collectors.toSet());
      states.keySet().retainAll(folderNames);
      skipped.retainFolders(folderNames);
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
                  previous.lastError(),
                  0,
                  null,
                  skipped.list()))
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
      recordFailure(mailbox, current.get(), e.getMessage(), null, false, correlationId);
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
      Duration wait =
          e instanceof ProviderException.RateLimited limited && limited.retryAfter() != null
              ? max(limited.retryAfter(), retryWait(current.get()))
              : retryWait(current.get());
      recordFailure(mailbox, current.get(), e.getMessage(), wait, true, correlationId);
      // A dropped connection is retried at once a few times (Kafka's back-off); past those, the
      // scheduler tries again at the recorded retry time.
      throw new RetryableSyncException("Sync of " + mailbox.id() + " failed: " + e.getMessage(), e);
    } catch (ProviderException.NotFound | ProviderException.Permanent e) {
      recordFailure(
          mailbox, current.get(), e.getMessage(), retryWait(current.get()), true, correlationId);
      log.warn("Sync of mailbox {} failed permanently: {}", mailbox.id(), e.getMessage());
    } catch (ProviderException e) {
      throw new IllegalStateException("Unmapped provider error", e);
    } catch (RuntimeException e) {
      // A fault of ours or of the store: retrying at once would fail alike and hold up every other
      // mailbox of the partition, so the failure is recorded and retried later with back-off. The
      // tenant sees a reference, the log has the cause.
      String reference = Ids.newId("err");
      log.error("Sync of mailbox {} failed ({})", mailbox.id(), reference, e);
      recordFailure(
          mailbox,
          current.get(),
          "Internal error while syncing (reference " + reference + ")",
          retryWait(current.get()),
          true,
          correlationId);
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
      AtomicReference<SyncState> current,
      Map<String, FolderSyncState> states,
      Map<String, Long> storedPerFolder,
      long total,
      SkippedMessages skipped) {
    SyncState before = current.get();
    SyncState progress =
        new SyncState(
            "syncing",
            before.backfilled(),
            List.copyOf(states.values()),
            storedPerFolder.values().stream().mapToLong(Long::longValue).sum(),
            total,
            before.lastSuccessAt(),
            before.lastErrorAt(),
            before.lastError(),
            before.failures(),
            before.nextRetryAt(),
            skipped.list());
    mailboxes.updateSync(mailbox.tenantId(), mailbox.id(), progress).block(STORE_TIMEOUT);
    current.set(progress);
  }

  /**
   * Shows the failure in the mailbox's sync state and plans the retry; the first failure of a
   * streak is announced with {@link MailboxSyncFailed}, the following ones only counted.
   *
   * @param wait until the scheduler tries again; null when only a person can fix it
   */
  private void recordFailure(
      Mailbox mailbox,
      SyncState state,
      String error,
      Duration wait,
      boolean announce,
      String correlationId) {
    Instant now = clock.instant();
    Instant retryAt = wait == null ? null : now.plus(wait);
    SyncState failed = state.failed(error, now, retryAt);
    mailboxes.updateSyncAfterFailure(mailbox.tenantId(), mailbox.id(), failed).block(STORE_TIMEOUT);
    if (announce && state.failures() == 0) {
      events.publish(
          new MailboxSyncFailed(mailbox.tenantId(), mailbox.id(), error, now, retryAt),
          correlationId);
    }
  }

  /** Doubling from {@code failure-retry-initial} with each consecutive failure, up to the max. */
  private Duration retryWait(SyncState state) {
    Duration wait = properties.failureRetryInitial();
    for (int i = 0; i < state.failures() && wait.compareTo(properties.failureRetryMax()) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return min(wait, properties.failureRetryMax());
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
