package dev.mailroom.sync;

import dev.mailroom.model.event.MessageDeleted;
import dev.mailroom.model.event.MessageReceived;
import dev.mailroom.model.event.MessageUpdated;
import dev.mailroom.model.message.Direction;
import dev.mailroom.provider.spi.FetchedMessage;
import dev.mailroom.provider.spi.FolderChanges;
import dev.mailroom.provider.spi.FolderStatus;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.MessageFlags;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.store.mailbox.FolderSyncState;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.SkippedMessage;
import dev.mailroom.store.message.MessageRef;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.Snapshots;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.mime.ParsedMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Brings one folder of one mailbox in line with the provider. It compares the folder's UIDs and
 * flags with what is stored under the current UIDVALIDITY: missing messages are fetched in batches
 * (committing progress after each, so a killed worker resumes where it stopped), changed flags are
 * applied, vanished messages are soft-deleted. After a UIDVALIDITY change, messages are matched
 * again by Message-ID, so a renumbered folder adds no duplicates.
 */
@Component
class FolderSynchronizer {
  private static final Logger log = LoggerFactory.getLogger(FolderSynchronizer.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(60);
  private static final java.util.Set<String> QUIET_ROLES =
      java.util.Set.of("trash", "junk", "sent", "drafts");

  private final MessageRepository messages;
  private final MessageIngester ingester;
  private final ThreadResolver threads;
  private final SyncEvents events;
  private final SyncProperties properties;
  private final Clock clock = Clock.systemUTC();

  FolderSynchronizer(
      MessageRepository messages,
      MessageIngester ingester,
      ThreadResolver threads,
      SyncEvents events,
      SyncProperties properties) {
    this.messages = messages;
    this.ingester = ingester;
    this.threads = threads;
    this.events = events;
    this.properties = properties;
  }

  /** Counts of one folder pass; {@code complete} is false when the budget ran out first. */
  record FolderResult(
      FolderSyncState state,
      long total,
      long added,
      long updated,
      long deleted,
      boolean complete) {}

  /**
   * @param previous this folder's state after the last pass, or null
   * @param announce whether new mail may be announced as received (false during backfill)
   * @param budget messages this command may still fetch; taken from as batches are fetched
   * @param progress told after every committed batch: the folder's state so far and how many of its
   *     messages are stored
   */
  FolderResult sync(
      Mailbox mailbox,
      MailboxSession session,
      FolderStatus folder,
      FolderSyncState previous,
      boolean announce,
      String correlationId,
      AtomicLong budget,
      SkippedMessages skipped,
      BiConsumer<FolderSyncState, Long> progress)
      throws ProviderException {
    String label = FolderLabels.of(folder.name(), folder.role());
    Instant now = clock.instant();
    if (unchanged(previous, folder) && !skipped.anyDue(folder.name(), now)) {
      return new FolderResult(previous, previous.messages(), 0, 0, 0, true);
    }
    boolean sameNumbering = previous != null && previous.uidValidity() == folder.uidValidity();
    // With CONDSTORE, only flags changed since the last pass are listed; otherwise all of them.
    FolderChanges contents =
        session.changesSince(folder.name(), sameNumbering ? previous.highestModSeq() : 0);
    long validity = contents.uidValidity();
    String prefix = ImapLocation.folderPrefix(folder.name(), validity);
    boolean renumbered = previous != null && previous.uidValidity() != validity;
    // Only mail above the last known UIDNEXT of an unchanged folder is genuinely new.
    long newFrom = previous == null || renumbered ? Long.MAX_VALUE : previous.uidNext();
    LongFunction<String> providerIdOf =
        uid -> new ImapLocation(folder.name(), validity, uid).providerMessageId();
    skipped.retainListed(
        folder.name(),
        contents.uids().stream().map(providerIdOf::apply).collect(Collectors.toSet()));

    Map<Long, MessageRef> stored = byUid(storedUnder(mailbox, prefix));
    Map<String, MessageRef> beforeRenumbering = new HashMap<>();
    if (renumbered) {
      for (MessageRef m :
          storedUnder(mailbox, ImapLocation.folderPrefix(folder.name(), previous.uidValidity()))) {
        beforeRenumbering.put(m.rfcMessageId() == null ? m.id() : m.rfcMessageId(), m);
      }
    }
    long updated = 0;
    long deleted = 0;

    for (Map.Entry<Long, MessageRef> entry : stored.entrySet()) {
      MessageRef m = entry.getValue();
      if (!contents.uids().contains(entry.getKey())) {
        deleted += delete(m, correlationId, now);
        continue;
      }
      MessageFlags flags = contents.flags().get(entry.getKey());
      if (flags == null) {
        continue; // not changed since the last pass
      }
      List<String> labels = FolderLabels.labels(label, flags);
      if (m.read() != flags.seen() || !labels.equals(m.labels())) {
        if (Boolean.TRUE.equals(
            messages
                .applyProviderState(m.tenantId(), m.id(), flags.seen(), labels, now)
                .block(STORE_TIMEOUT))) {
          events.publish(
              new MessageUpdated(m.tenantId(), m.mailboxId(), m.id(), flags.seen(), labels, now),
              correlationId);
          updated++;
        }
      }
    }

    List<Long> missing =
        contents.uids().stream()
            .filter(uid -> !stored.containsKey(uid))
            .filter(uid -> !skipped.isWaiting(providerIdOf.apply(uid), now))
            .toList();
    long added = 0;
    long uidNext = previous != null && !renumbered ? previous.uidNext() : 1;
    int batchSize = properties.batchSize();
    Map<String, StoredMessage> queuedByMessageId =
        missing.isEmpty()
            ? new HashMap<>()
            : messages.findPendingOutbound(mailbox.tenantId(), mailbox.id()).block(STORE_TIMEOUT);
    FolderPass pass =
        new FolderPass(mailbox, folder, label, beforeRenumbering, queuedByMessageId, now);
    int start = 0;
    Stored pending = null;
    while (start < missing.size() && budget.get() > 0) {
      int size = (int) Math.min(Math.min(batchSize, budget.get()), missing.size() - start);
      List<Long> batch = missing.subList(start, start + size);
      start += size;
      budget.addAndGet(-size);
      // Set aside rather than failing the batch: the rest of the mailbox keeps syncing.
      BiConsumer<Long, String> skip =
          (uid, error) -> {
            log.warn(
                "Mailbox {}: message {} of {} set aside: {}",
                mailbox.id(),
                uid,
                folder.name(),
                error);
            skipped.failed(
                providerIdOf.apply(uid), folder.name(), error, announce && uid >= newFrom, now);
          };
      // Fetched while the previous batch's raw bytes are still going to S3.
      List<FetchedMessage> fetched = fetchIsolating(session, folder.name(), validity, batch, skip);
      // Never throws: what cannot be parsed is kept with what could be read.
      List<ParsedMessage> parsedBatch = fetched.stream().map(MessageIngester::parse).toList();
      if (pending != null) {
        // Threading and news checks below read what the previous batch stored.
        added += commit(pending, correlationId);
        uidNext = Math.max(uidNext, pending.nextUid());
        progress.accept(state(folder, validity, uidNext, contents), stored.size() + added);
        pending = null;
      }
      ThreadResolver.Batch threading = threads.batch(mailbox.tenantId(), mailbox.id(), parsedBatch);
      NewRecords fresh =
          new NewRecords(
              new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (int i = 0; i < fetched.size(); i++) {
        FetchedMessage message = fetched.get(i);
        ParsedMessage parsed = parsedBatch.get(i);
        String providerId = providerIdOf.apply(message.uid());
        SkippedMessage wasSkipped = skipped.get(providerId);
        boolean news =
            announce && (message.uid() >= newFrom || wasSkipped != null && wasSkipped.announce());
        try {
          ingestOne(pass, threading, message, parsed, providerId, news, fresh);
          skipped.stored(providerId);
        } catch (RuntimeException e) {
          skip.accept(message.uid(), "could not be stored (" + e.getClass().getSimpleName() + ")");
        }
      }
      pending =
          new Stored(
              ingester.storeRawInBackground(fresh.records(), fresh.raw(), fresh.parsed()),
              fresh.records(),
              fresh.announced(),
              batch.get(batch.size() - 1) + 1,
              skip);
    }
    if (pending != null) {
      added += commit(pending, correlationId);
      uidNext = Math.max(uidNext, pending.nextUid());
      progress.accept(state(folder, validity, uidNext, contents), stored.size() + added);
    }
    // Renumbered away and not found again under the new numbering: gone at the provider.
    boolean complete = start >= missing.size();
    if (!complete) {
      // The rest comes with the continuation; progress so far is committed.
      return new FolderResult(
          state(folder, validity, uidNext, contents),
          contents.uids().size(),
          added,
          updated,
          deleted,
          false);
    }
    for (MessageRef gone : beforeRenumbering.values()) {
      deleted += delete(gone, correlationId, now);
    }
    FolderSyncState state = state(folder, validity, Math.max(uidNext, folder.uidNext()), contents);
    return new FolderResult(state, contents.uids().size(), added, updated, deleted, true);
  }

  /** What one folder pass knows that each of its messages is matched against. */
  private record FolderPass(
      Mailbox mailbox,
      FolderStatus folder,
      String label,
      Map<String, MessageRef> beforeRenumbering,
      Map<String, StoredMessage> queuedByMessageId,
      Instant now) {}

  /** A batch's new records, their raw and parsed messages (same order) and those to announce. */
  private record NewRecords(
      List<StoredMessage> records,
      List<FetchedMessage> raw,
      List<ParsedMessage> parsed,
      List<StoredMessage> announced) {}

  /** One fetched message into the batch's new records, or onto the record it already has. */
  private void ingestOne(
      FolderPass pass,
      ThreadResolver.Batch threading,
      FetchedMessage message,
      ParsedMessage parsed,
      String providerId,
      boolean news,
      NewRecords fresh) {
    List<String> labels = FolderLabels.labels(pass.label(), message.flags());
    MessageRef earlier =
        parsed.messageId() == null ? null : pass.beforeRenumbering().remove(parsed.messageId());
    String knownId = earlier == null ? null : earlier.id();
    if (knownId == null && parsed.messageId() != null) {
      // Sent through Mailroom: the queued record becomes this message.
      StoredMessage queued = pass.queuedByMessageId().remove(parsed.messageId());
      knownId = queued == null ? null : queued.id();
    }
    if (knownId != null) {
      messages
          .setProviderMessageId(pass.mailbox().tenantId(), knownId, providerId, labels)
          .block(STORE_TIMEOUT);
      return;
    }
    String thread =
        threading.threadOf(
            parsed, message.receivedAt() != null ? message.receivedAt() : pass.now());
    StoredMessage record =
        ingester.record(pass.mailbox(), providerId, message, parsed, thread, labels);
    fresh.records().add(record);
    fresh.raw().add(message);
    fresh.parsed().add(parsed);
    if (news && isNews(pass.folder(), record)) {
      fresh.announced().add(record);
    }
  }

  /**
   * Fetches a batch. When the provider fails it for a reason other than the connection, each
   * message is fetched alone, so that one the provider cannot serve is set aside instead of failing
   * its neighbours; a dropped connection or a refused login still fails the whole pass.
   */
  private static List<FetchedMessage> fetchIsolating(
      MailboxSession session,
      String folder,
      long validity,
      List<Long> batch,
      BiConsumer<Long, String> skip)
      throws ProviderException {
    try {
      return session.fetch(folder, validity, batch);
    } catch (ProviderException.Permanent | ProviderException.NotFound | RuntimeException e) {
      if (batch.size() > 1) {
        log.warn(
            "Fetching {} messages of {} failed ({}); fetching one by one",
            batch.size(),
            folder,
            e.toString());
      }
      List<FetchedMessage> fetched = new ArrayList<>();
      for (Long uid : batch) {
        try {
          fetched.addAll(session.fetch(folder, validity, List.of(uid)));
        } catch (ProviderException.Permanent | ProviderException.NotFound | RuntimeException one) {
          skip.accept(uid, describe(one));
        }
      }
      return fetched;
    }
  }

  /**
   * In words fit for the mailbox's sync state: the provider's own message, or what kind of fault.
   */
  private static String describe(Exception e) {
    return e instanceof ProviderException
        ? "could not be fetched: " + e.getMessage()
        : "could not be fetched (" + e.getClass().getSimpleName() + ")";
  }

  /** A batch whose raw bytes are on their way to S3; its records are inserted after them. */
  private record Stored(
      CompletableFuture<Void> raw,
      List<StoredMessage> fresh,
      List<StoredMessage> announced,
      long nextUid,
      BiConsumer<Long, String> setAside) {}

  /**
   * Raw bytes first, then the records: a record never points at an object that is not there.
   * Returns how many records were new.
   */
  private long commit(Stored batch, String correlationId) {
    try {
      batch.raw().get(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while storing raw messages", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Raw messages not stored: " + e, e);
    }
    List<StoredMessage> refused = new ArrayList<>();
    long inserted;
    try {
      inserted = messages.insertNew(batch.fresh()).block(STORE_TIMEOUT);
    } catch (RuntimeException e) {
      if (batch.fresh().size() < 2) {
        throw e;
      }
      // One record the store refuses must not fail its neighbours; if all fail, the store is.
      inserted = 0;
      for (StoredMessage record : batch.fresh()) {
        try {
          inserted += messages.insertNew(List.of(record)).block(STORE_TIMEOUT);
        } catch (RuntimeException one) {
          refused.add(record);
          batch
              .setAside()
              .accept(
                  ImapLocation.of(record.providerMessageId()).uid(),
                  "could not be stored (" + one.getClass().getSimpleName() + ")");
        }
      }
      if (refused.size() == batch.fresh().size()) {
        throw e;
      }
    }
    for (StoredMessage record : batch.announced()) {
      if (refused.contains(record)) {
        continue;
      }
      events.publish(
          new MessageReceived(record.tenantId(), record.mailboxId(), Snapshots.of(record)),
          correlationId);
    }
    return inserted;
  }

  /**
   * With CONDSTORE, a folder whose HIGHESTMODSEQ, UIDNEXT and count are what the last complete pass
   * saw has had no new mail, flag change or expunge (each raises HIGHESTMODSEQ), so it needs no
   * listing at all. Without CONDSTORE a flag change leaves no trace in the counters.
   */
  private static boolean unchanged(FolderSyncState previous, FolderStatus folder) {
    return previous != null
        && previous.highestModSeq() > 0
        && previous.uidValidity() == folder.uidValidity()
        && previous.highestModSeq() == folder.highestModSeq()
        && previous.uidNext() == folder.uidNext()
        && previous.messages() == folder.messages();
  }

  /**
   * Inbound mail in an ordinary folder that the mailbox did not already have: a message moved to
   * Trash, Spam or another folder is not news, however new its UID.
   */
  private boolean isNews(FolderStatus folder, StoredMessage record) {
    if (record.direction() != Direction.INBOUND || QUIET_ROLES.contains(folder.role())) {
      return false;
    }
    return !Boolean.TRUE.equals(
        messages
            .existsElsewhere(
                record.tenantId(), record.mailboxId(), record.rfcMessageId(), record.id())
            .block(STORE_TIMEOUT));
  }

  private long delete(MessageRef m, String correlationId, Instant now) {
    if (m.deletedAt() != null) {
      return 0;
    }
    if (Boolean.TRUE.equals(messages.markDeleted(m.tenantId(), m.id(), now).block(STORE_TIMEOUT))) {
      events.publish(
          new MessageDeleted(m.tenantId(), m.mailboxId(), m.id(), false, now), correlationId);
      return 1;
    }
    return 0;
  }

  private List<MessageRef> storedUnder(Mailbox mailbox, String prefix) {
    return messages
        .findRefsByProviderPrefix(mailbox.tenantId(), mailbox.id(), prefix)
        .collectList()
        .blockOptional(STORE_TIMEOUT)
        .orElse(List.of());
  }

  private static Map<Long, MessageRef> byUid(List<MessageRef> stored) {
    Map<Long, MessageRef> byUid = new HashMap<>();
    for (MessageRef m : stored) {
      ImapLocation location = ImapLocation.of(m.providerMessageId());
      if (location != null) {
        byUid.put(location.uid(), m);
      }
    }
    return byUid;
  }

  private static FolderSyncState state(
      FolderStatus folder, long validity, long uidNext, FolderChanges contents) {
    return new FolderSyncState(
        folder.name(),
        folder.role(),
        validity,
        uidNext,
        folder.highestModSeq(),
        contents.uids().size());
  }
}
