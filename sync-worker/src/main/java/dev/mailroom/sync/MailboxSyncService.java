package dev.mailroom.sync;

import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.command.SyncTrigger;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.event.MailboxReauthRequired;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.model.event.MailboxSyncFailed;
import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.MailProviders;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.PlaceStatus;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.SyncCursor;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.mailbox.FolderSyncState;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxStatus;
import dev.mailroom.store.mailbox.SyncState;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.purge.DataPurge;
import dev.mailroom.worker.MailboxAccessFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Runs one {@link SyncMailbox} command: the provider's changes since the stored cursor are applied
 * page by page (see {@link ChangeApplier}), progress is committed as it goes, and {@link
 * MailboxSyncCompleted} reports the counts. The first complete pass is the backfill; only later
 * passes announce mail. One command fetches at most {@code mailroom.sync.max-messages-per-run}
 * messages, then queues a continuation; the completion event (with the first command's id) comes
 * after the last.
 */
@Service
public class MailboxSyncService {
  private static final Logger log = LoggerFactory.getLogger(MailboxSyncService.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

  private final MailboxRepository mailboxes;
  private final DataPurge purge;
  private final MessageRepository messages;
  private final MailProviders providers;
  private final MailboxAccessFactory access;
  private final SyncEvents events;
  private final ChangeApplier applier;
  private final EnvelopePublisher commands;
  private final SyncProperties properties;
  private final Clock clock;

  private final MeterRegistry meters;

  public MailboxSyncService(
      MailboxRepository mailboxes,
      MessageRepository messages,
      MailProviders providers,
      MailboxAccessFactory access,
      SyncEvents events,
      ChangeApplier applier,
      EnvelopePublisher commands,
      SyncProperties properties,
      MeterRegistry meters,
      DataPurge purge,
      Clock clock) {
    this.clock = clock;
    this.purge = purge;
    this.meters = meters;
    this.mailboxes = mailboxes;
    this.messages = messages;
    this.providers = providers;
    this.access = access;
    this.events = events;
    this.applier = applier;
    this.commands = commands;
    this.properties = properties;
  }

  /** The mailbox was deleted while its sync ran: stop, and remove what the sync stored since. */
  private static final class MailboxGone extends RuntimeException {
    MailboxGone() {
      super(null, null, false, false);
    }
  }

  public void sync(SyncMailbox command, String correlationId) {
    if (command.continues() == null) {
      // Started: a request from now on queues the next sync instead of joining this one.
      mailboxes
          .clearPendingSync(command.tenantId(), command.mailboxId(), command.commandId())
          .block(STORE_TIMEOUT);
    }
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
      SyncCursor cursor = SyncCursor.of(previous.cursor());
      if (cursor.isBeginning() && !previous.folders().isEmpty()) {
        // Synced before, without a cursor (by an older version, or it was lost): resume from what
        // is stored, so that what went meanwhile is removed and what came is announced.
        cursor =
            session.cursorFor(
                messages
                    .providerRefsOf(mailbox.tenantId(), mailbox.id())
                    .filter(ref -> !ref.isEmpty())
                    .map(ProviderRef::new)
                    .collectList()
                    .block(STORE_TIMEOUT));
      }
      AtomicLong budget = new AtomicLong(properties.maxMessagesPerRun());
      List<ChangePage.Added> retries = retries(skipped, budget.get());
      long added = 0;
      long updated = 0;
      long deleted = 0;
      ChangePage page;
      boolean complete;
      do {
        page =
            session.changes(
                cursor, (int) Math.min(Integer.MAX_VALUE, budget.get() - retries.size()));
        List<FolderSyncState> shown = shown(page);
        long total = page.places().stream().mapToLong(PlaceStatus::messages).sum();
        long doneBefore = current.get().messagesDone();
        SyncCursor unchanged = cursor;
        ChangeApplier.PageResult result =
            applier.apply(
                mailbox,
                session,
                page,
                retries(retries, page),
                previous.backfilled(),
                correlationId,
                budget,
                skipped,
                // Committed progress: a worker that dies now resumes from the page's old cursor.
                stored ->
                    saveProgress(
                        mailbox,
                        current,
                        shown,
                        Math.min(total, doneBefore + stored),
                        total,
                        skipped,
                        unchanged));
        retries = List.of();
        added += result.added();
        updated += result.updated();
        deleted += result.deleted();
        complete = result.complete() && !page.more();
        if (result.complete()) {
          cursor = page.next();
        }
        if (!complete) {
          saveProgress(
              mailbox,
              current,
              shown,
              Math.min(total, doneBefore + result.added()),
              total,
              skipped,
              cursor);
        }
      } while (!complete && budget.get() > 0);
      if (!complete) {
        continueLater(command, correlationId);
        return;
      }
      // Places that no longer exist at the provider are forgotten.
      skipped.retainFolders(
          page.places().stream().map(p -> p.place().name()).collect(Collectors.toSet()));
      List<FolderSyncState> folders = shown(page);
      long total = page.places().stream().mapToLong(PlaceStatus::messages).sum();
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
      Boolean stillThere =
          mailboxes
              .updateSync(
                  mailbox.tenantId(),
                  mailbox.id(),
                  new SyncState(
                      "idle",
                      true,
                      folders,
                      total,
                      total,
                      completed,
                      previous.lastErrorAt(),
                      previous.lastError(),
                      0,
                      null,
                      skipped.list(),
                      cursor.value()))
              .block(STORE_TIMEOUT);
      if (!Boolean.TRUE.equals(stillThere)) {
        throw new MailboxGone();
      }
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
    } catch (MailboxGone e) {
      log.info(
          "Mailbox {} was deleted during sync {}: stopped, removed what it stored: {}",
          mailbox.id(),
          command.commandId(),
          purge.purgeLeftovers(mailbox.tenantId(), mailbox.id()).block(STORE_TIMEOUT));
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

  /**
   * Messages set aside earlier and due for another try, retried by reference; within the budget, so
   * that a mailbox with many cannot starve its new mail.
   */
  private List<ChangePage.Added> retries(SkippedMessages skipped, long budget) {
    return skipped.due(clock.instant()).stream()
        .limit(Math.max(0, budget / 2))
        .map(m -> new ChangePage.Added(new ProviderRef(m.providerMessageId()), null, false, null))
        .toList();
  }

  /** The retries placed where the page says their folder is; those of vanished folders dropped. */
  private static List<ChangePage.Added> retries(List<ChangePage.Added> due, ChangePage page) {
    return due.stream()
        .flatMap(
            r ->
                page.places().stream()
                    .filter(p -> r.ref().value().startsWith(p.place().scope()))
                    .map(p -> new ChangePage.Added(r.ref(), p.place(), false, null)))
        .toList();
  }

  /** Each place as the mailbox's sync state shows it. */
  private static List<FolderSyncState> shown(ChangePage page) {
    return page.places().stream()
        .map(
            p ->
                new FolderSyncState(
                    p.place().name(),
                    p.place().role(),
                    p.generation(),
                    p.nextPosition(),
                    p.modSequence(),
                    p.messages()))
        .toList();
  }

  private void saveProgress(
      Mailbox mailbox,
      AtomicReference<SyncState> current,
      List<FolderSyncState> folders,
      long done,
      long total,
      SkippedMessages skipped,
      SyncCursor cursor) {
    SyncState before = current.get();
    SyncState progress =
        new SyncState(
            "syncing",
            before.backfilled(),
            folders,
            done,
            total,
            before.lastSuccessAt(),
            before.lastErrorAt(),
            before.lastError(),
            before.failures(),
            before.nextRetryAt(),
            skipped.list(),
            cursor.value());
    if (!Boolean.TRUE.equals(
        mailboxes.updateSync(mailbox.tenantId(), mailbox.id(), progress).block(STORE_TIMEOUT))) {
      throw new MailboxGone();
    }
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
