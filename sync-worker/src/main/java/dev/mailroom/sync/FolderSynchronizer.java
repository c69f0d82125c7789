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
      BiConsumer<FolderSyncState, Long> progress)
      throws ProviderException {
    String label = FolderLabels.of(folder.name(), folder.role());
    if (unchanged(previous, folder)) {
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
    Instant now = clock.instant();

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

    List<Long> missing = contents.uids().stream().filter(uid -> !stored.containsKey(uid)).toList();
    long added = 0;
    long uidNext = previous != null && !renumbered ? previous.uidNext() : 1;
    int batchSize = properties.batchSize();
    Map<String, StoredMessage> queuedByMessageId =
        missing.isEmpty()
            ? new HashMap<>()
            : messages.findPendingOutbound(mailbox.tenantId(), mailbox.id()).block(STORE_TIMEOUT);
    int start = 0;
    Stored pending = null;
    while (start < missing.size() && budget.get() > 0) {
      int size = (int) Math.min(Math.min(batchSize, budget.get()), missing.size() - start);
      List<Long> batch = missing.subList(start, start + size);
      start += size;
      budget.addAndGet(-size);
      // Fetched while the previous batch's raw bytes are still going to S3.
      List<FetchedMessage> fetched = session.fetch(folder.name(), validity, batch);
      List<ParsedMessage> parsedBatch = fetched.stream().map(MessageIngester::parse).toList();
      if (pending != null) {
        // Threading and news checks below read what the previous batch stored.
        added += commit(pending, correlationId);
        uidNext = Math.max(uidNext, pending.nextUid());
        progress.accept(state(folder, validity, uidNext, contents), stored.size() + added);
        pending = null;
      }
      ThreadResolver.Batch threading = threads.batch(mailbox.tenantId(), mailbox.id(), parsedBatch);
      List<StoredMessage> fresh = new ArrayList<>();
      List<FetchedMessage> freshRaw = new ArrayList<>();
      List<StoredMessage> announced = new ArrayList<>();
      for (int i = 0; i < fetched.size(); i++) {
        FetchedMessage message = fetched.get(i);
        ParsedMessage parsed = parsedBatch.get(i);
        String providerId =
            new ImapLocation(folder.name(), validity, message.uid()).providerMessageId();
        List<String> labels = FolderLabels.labels(label, message.flags());
        MessageRef earlier =
            parsed.messageId() == null ? null : beforeRenumbering.remove(parsed.messageId());
        String knownId = earlier == null ? null : earlier.id();
        if (knownId == null && parsed.messageId() != null) {
          // Sent through Mailroom: the queued record becomes this message.
          StoredMessage queued = queuedByMessageId.remove(parsed.messageId());
          knownId = queued == null ? null : queued.id();
        }
        if (knownId != null) {
          messages
              .setProviderMessageId(mailbox.tenantId(), knownId, providerId, labels)
              .block(STORE_TIMEOUT);
          continue;
        }
        String thread =
            threading.threadOf(parsed, message.receivedAt() != null ? message.receivedAt() : now);
        StoredMessage record =
            ingester.record(mailbox, providerId, message, parsed, thread, labels);
        fresh.add(record);
        freshRaw.add(message);
        if (announce && message.uid() >= newFrom && isNews(folder, record)) {
          announced.add(record);
        }
      }
      pending =
          new Stored(
              ingester.storeRawInBackground(fresh, freshRaw),
              fresh,
              announced,
              batch.get(batch.size() - 1) + 1);
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

  /** A batch whose raw bytes are on their way to S3; its records are inserted after them. */
  private record Stored(
      CompletableFuture<Void> raw,
      List<StoredMessage> fresh,
      List<StoredMessage> announced,
      long nextUid) {}

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
    long inserted = messages.insertNew(batch.fresh()).block(STORE_TIMEOUT);
    for (StoredMessage record : batch.announced()) {
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
