package dev.mailroom.sync;

import dev.mailroom.model.event.MessageDeleted;
import dev.mailroom.model.event.MessageReceived;
import dev.mailroom.model.event.MessageUpdated;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.FetchedBatch;
import dev.mailroom.provider.spi.FetchedMessage;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.MessageFlags;
import dev.mailroom.provider.spi.Place;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.runtime.kafka.InfrastructureOutages;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Applies one page of a provider's changes to the store, whatever the provider: removed messages
 * are soft-deleted, changed flags applied, added ones fetched in batches (committing progress after
 * each, so a killed worker resumes where it stopped) and stored unless a record already stands for
 * them. A message the provider renumbered is matched again by Message-ID, so it adds no duplicate.
 */
@Component
class ChangeApplier {
  private static final Logger log = LoggerFactory.getLogger(ChangeApplier.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(60);
  private static final Set<String> QUIET_ROLES = Set.of("trash", "junk", "sent", "drafts");

  private final MessageRepository messages;
  private final MessageIngester ingester;
  private final ThreadResolver threads;
  private final SyncEvents events;
  private final SyncProperties properties;
  private final Clock clock;

  @Autowired
  ChangeApplier(
      MessageRepository messages,
      MessageIngester ingester,
      ThreadResolver threads,
      SyncEvents events,
      SyncProperties properties,
      Clock clock) {
    this.messages = messages;
    this.ingester = ingester;
    this.threads = threads;
    this.events = events;
    this.properties = properties;
    this.clock = clock;
  }

  /** Counts of one page; {@code complete} is false when the budget ran out before its additions. */
  record PageResult(long added, long updated, long deleted, boolean complete) {}

  /**
   * @param retries messages set aside earlier that are due for another try, fetched with the page's
   *     additions
   * @param announce whether new mail may be announced as received (false during backfill)
   * @param budget messages this command may still fetch; taken from as batches are fetched
   * @param progress told after every committed batch how many messages it added
   */
  PageResult apply(
      Mailbox mailbox,
      MailboxSession session,
      ChangePage page,
      List<ChangePage.Added> retries,
      boolean announce,
      String correlationId,
      AtomicLong budget,
      SkippedMessages skipped,
      java.util.function.LongConsumer progress)
      throws ProviderException {
    Instant now = clock.instant();
    StoredRefs stored = new StoredRefs(mailbox, page);
    long deleted = 0;
    long updated = 0;
    for (ChangePage.Removed gone : page.removed()) {
      skipped.stored(gone.ref().value());
      MessageRef m = stored.get(gone.ref().value());
      if (m != null) {
        deleted += delete(m, correlationId, now);
      }
    }
    for (ChangePage.Changed change : page.changed()) {
      MessageRef m = stored.get(change.ref().value());
      if (m != null && applyFlags(m, change.place(), change.flags(), correlationId, now)) {
        updated++;
      }
    }

    List<ChangePage.Added> missing = new ArrayList<>(retries);
    for (ChangePage.Added a : page.added()) {
      String ref = a.ref().value();
      if (stored.get(ref) == null && !skipped.isWaiting(ref, now)) {
        missing.add(a);
      }
    }
    Pass pass = new Pass(mailbox, stored, new HashMap<>(), announce, skipped, now);
    long added = 0;
    int batchSize = properties.batchSize();
    Deque<ChangePage.Added> queue = new ArrayDeque<>(missing);
    Stored pending = null;
    Set<String> retried = new HashSet<>();
    retries.forEach(r -> retried.add(r.ref().value()));
    while (!queue.isEmpty() && budget.get() > 0) {
      int size = (int) Math.min(Math.min(batchSize, budget.get()), queue.size());
      Map<String, ChangePage.Added> batch = new LinkedHashMap<>();
      for (int i = 0; i < size; i++) {
        ChangePage.Added next = queue.poll();
        batch.put(next.ref().value(), next);
      }
      // Set aside rather than failing the batch: the rest of the mailbox keeps syncing.
      BiConsumer<String, String> skip =
          (ref, error) -> {
            ChangePage.Added a = batch.get(ref);
            log.warn(
                "Mailbox {}: message {} of {} set aside: {}",
                mailbox.id(),
                ref,
                a.place().name(),
                error);
            skipped.failed(ref, a.place().name(), error, announce && a.arrived(), now);
          };
      // Fetched while the previous batch's raw bytes are still going to S3. Bounded by bytes as
      // well as by count: what does not fit goes first into the next batch.
      FetchedBatch got = fetchIsolating(session, batch, properties.batchBytes().toBytes(), skip);
      List<FetchedMessage> fetched = got.messages();
      for (int i = got.deferred().size() - 1; i >= 0; i--) {
        queue.addFirst(batch.remove(got.deferred().get(i).value()));
      }
      budget.addAndGet(-batch.size());
      try {
        Set<String> returned = new HashSet<>();
        fetched.forEach(f -> returned.add(f.ref().value()));
        for (String ref : batch.keySet()) {
          if (returned.contains(ref) || skipped.isWaiting(ref, now)) {
            continue;
          }
          if (retried.contains(ref)) {
            // A retried message the provider no longer has is gone; it is not set aside again.
            skipped.stored(ref);
          } else {
            // The cursor already counts it as seen: unless set aside, it would never be fetched
            // again. Retried later; if it is gone by then, it is dropped as above.
            skip.accept(ref, "not returned by the provider");
          }
        }
        // Never throws: what cannot be parsed is kept with what could be read.
        List<ParsedMessage> parsedBatch = fetched.stream().map(MessageIngester::parse).toList();
        if (pending != null) {
          // Threading and news checks below read what the previous batch stored.
          added += commit(pending, correlationId);
          progress.accept(added);
          pending = null;
        }
        // Sent through Mailroom and not yet matched: such a record becomes the provider's copy.
        List<String> messageIds =
            parsedBatch.stream().map(ParsedMessage::messageId).filter(Objects::nonNull).toList();
        // A hosted mailbox's sent record is its only copy (ADR 27): what arrives is never one of
        // its
        // sends coming back, even with the same Message-ID (mail to itself, a list's echo, a
        // forgery).
        if (!messageIds.isEmpty() && mailbox.provider() != ProviderKind.HOSTED) {
          pass.queuedByMessageId()
              .putAll(
                  messages
                      .findPendingOutbound(mailbox.tenantId(), mailbox.id(), messageIds)
                      .block(STORE_TIMEOUT));
        }
        ThreadResolver.Batch threading =
            threads.batch(mailbox.tenantId(), mailbox.id(), parsedBatch);
        NewRecords fresh =
            new NewRecords(new ArrayList<>(), new ArrayList<>(), ingester.batchBlobs(mailbox));
        for (int i = 0; i < fetched.size(); i++) {
          FetchedMessage message = fetched.get(i);
          ChangePage.Added listed = batch.get(message.ref().value());
          if (listed == null) {
            continue; // not asked for: an adapter's fault, never stored under a guessed place
          }
          try {
            ingestOne(pass, threading, listed, message, parsedBatch.get(i), fresh);
            skipped.stored(listed.ref().value());
          } catch (RuntimeException e) {
            if (InfrastructureOutages.isOutage(e)) {
              throw e; // the store is away, not this message at fault: the batch is retried
            }
            skip.accept(
                listed.ref().value(), "could not be stored (" + e.getClass().getSimpleName() + ")");
          }
        }
        pending =
            new Stored(
                fresh
                    .blobs()
                    .store()
                    // Spool files of large messages are deleted once stored, or not needed.
                    .whenComplete((done, failed) -> fetched.forEach(FetchedMessage::close)),
                fresh.records(),
                fresh.announced(),
                skip);
      } catch (RuntimeException e) {
        fetched.forEach(FetchedMessage::close);
        throw e;
      }
    }
    if (pending != null) {
      added += commit(pending, correlationId);
      progress.accept(added);
    }
    boolean complete = queue.isEmpty();
    if (complete) {
      // Renumbered away and not found again under the new numbering: gone at the provider.
      for (String scope : page.retired()) {
        skipped.forgetScope(scope);
        for (MessageRef gone : stored.under(scope).values()) {
          if (!stored.rematched(gone.id())) {
            deleted += delete(gone, correlationId, now);
          }
        }
      }
    }
    return new PageResult(added, updated, deleted, complete);
  }

  /**
   * The stored messages the page names, read once per page by reference: what additions are checked
   * against, and what changes and removals apply to. A whole scope is read only when the provider
   * retires it (a new UIDVALIDITY), which is rare; a page of a large folder costs a page of reads.
   */
  private final class StoredRefs {
    private final Mailbox mailbox;
    private final Map<String, MessageRef> byRef = new HashMap<>();
    private final Map<String, Map<String, MessageRef>> byScope = new HashMap<>();
    private final Map<String, Map<String, MessageRef>> byMessageId = new HashMap<>();
    private final Set<String> rematched = new java.util.HashSet<>();

    StoredRefs(Mailbox mailbox, ChangePage page) {
      this.mailbox = mailbox;
      List<String> refs = new ArrayList<>();
      page.removed().forEach(r -> refs.add(r.ref().value()));
      page.changed().forEach(c -> refs.add(c.ref().value()));
      // Retries are fetched whatever is stored, so their references are not looked up.
      page.added().forEach(a -> refs.add(a.ref().value()));
      if (!refs.isEmpty()) {
        messages
            .findRefs(mailbox.tenantId(), mailbox.id(), refs)
            .collectList()
            .blockOptional(STORE_TIMEOUT)
            .orElse(List.of())
            .forEach(m -> byRef.put(m.providerMessageId(), m));
      }
    }

    /** The stored message with this provider reference, if any. */
    MessageRef get(String ref) {
      return byRef.get(ref);
    }

    Map<String, MessageRef> under(String scope) {
      return byScope.computeIfAbsent(
          scope,
          s -> {
            Map<String, MessageRef> refs = new HashMap<>();
            messages
                .findRefsInScope(mailbox.tenantId(), mailbox.id(), s)
                .collectList()
                .blockOptional(STORE_TIMEOUT)
                .orElse(List.of())
                .forEach(m -> refs.put(m.providerMessageId(), m));
            return refs;
          });
    }

    /** A message stored under a scope the provider invalidated, by its Message-ID, taken once. */
    MessageRef takeFormer(String formerScope, String rfcMessageId) {
      MessageRef found =
          byMessageId
              .computeIfAbsent(
                  formerScope,
                  s -> {
                    Map<String, MessageRef> byId = new HashMap<>();
                    under(s)
                        .values()
                        .forEach(
                            m -> byId.put(m.rfcMessageId() == null ? m.id() : m.rfcMessageId(), m));
                    return byId;
                  })
              .remove(rfcMessageId);
      if (found != null) {
        rematched.add(found.id());
      }
      return found;
    }

    boolean rematched(String id) {
      return rematched.contains(id);
    }
  }

  /** What one page knows that each of its messages is matched against. */
  private record Pass(
      Mailbox mailbox,
      StoredRefs stored,
      Map<String, StoredMessage> queuedByMessageId,
      boolean announce,
      SkippedMessages skipped,
      Instant now) {}

  /** A batch's new records, those of them to announce, and where their parts go in S3. */
  private record NewRecords(
      List<StoredMessage> records,
      List<StoredMessage> announced,
      MessageIngester.BatchBlobs blobs) {}

  /** One fetched message into the batch's new records, or onto the record it already has. */
  private void ingestOne(
      Pass pass,
      ThreadResolver.Batch threading,
      ChangePage.Added listed,
      FetchedMessage message,
      ParsedMessage parsed,
      NewRecords fresh) {
    Place place = listed.place();
    String providerId = listed.ref().value();
    List<String> labels =
        FolderLabels.labels(FolderLabels.of(place.name(), place.role()), message.flags());
    MessageRef earlier =
        listed.formerScope() == null || parsed.messageId() == null
            ? null
            : pass.stored().takeFormer(listed.formerScope(), parsed.messageId());
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
        ingester.record(pass.mailbox(), providerId, message, parsed, thread, labels, fresh.blobs());
    fresh.records().add(record);
    SkippedMessage wasSkipped = pass.skipped().get(providerId);
    boolean news =
        pass.announce() && (listed.arrived() || wasSkipped != null && wasSkipped.announce());
    if (news && isNews(place, record)) {
      fresh.announced().add(record);
    }
  }

  /**
   * Fetches a batch. When the provider fails it for a reason other than the connection, each
   * message is fetched alone, so that one the provider cannot serve is set aside instead of failing
   * its neighbours; a dropped connection or a refused login still fails the whole pass.
   */
  private static FetchedBatch fetchIsolating(
      MailboxSession session,
      Map<String, ChangePage.Added> batch,
      long maxBytes,
      BiConsumer<String, String> skip)
      throws ProviderException {
    List<ProviderRef> refs = batch.values().stream().map(ChangePage.Added::ref).toList();
    try {
      return session.fetch(refs, maxBytes);
    } catch (ProviderException.Permanent | ProviderException.NotFound | RuntimeException e) {
      if (refs.size() > 1) {
        log.warn(
            "Fetching {} messages failed ({}); fetching one by one", refs.size(), e.toString());
      }
      List<FetchedMessage> fetched = new ArrayList<>();
      long spent = 0;
      for (int i = 0; i < refs.size(); i++) {
        if (spent >= maxBytes) {
          return new FetchedBatch(fetched, refs.subList(i, refs.size()));
        }
        ProviderRef ref = refs.get(i);
        try {
          for (FetchedMessage one : session.fetch(List.of(ref), Long.MAX_VALUE).messages()) {
            fetched.add(one);
            spent += one.raw().size();
          }
        } catch (ProviderException.Permanent | ProviderException.NotFound | RuntimeException one) {
          skip.accept(ref.value(), describe(one));
        }
      }
      return new FetchedBatch(fetched, List.of());
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
      BiConsumer<String, String> setAside) {}

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
      List<StoredMessage> tried = new ArrayList<>();
      for (StoredMessage record : batch.fresh()) {
        try {
          inserted += messages.insertNew(List.of(record)).block(STORE_TIMEOUT);
          tried.add(record);
        } catch (RuntimeException one) {
          if (InfrastructureOutages.isOutage(one)) {
            // The store went away meanwhile, no fault of this record: those stored so far are
            // announced (a retry finds them stored and would not), and the batch is retried.
            announce(batch.announced(), tried::contains, correlationId);
            throw one;
          }
          refused.add(record);
          batch
              .setAside()
              .accept(
                  record.providerMessageId(),
                  "could not be stored (" + one.getClass().getSimpleName() + ")");
        }
      }
      if (refused.size() == batch.fresh().size()) {
        throw e;
      }
    }
    announce(batch.announced(), record -> !refused.contains(record), correlationId);
    return inserted;
  }

  private void announce(
      List<StoredMessage> announced,
      java.util.function.Predicate<StoredMessage> stored,
      String correlationId) {
    for (StoredMessage record : announced) {
      if (stored.test(record)) {
        events.publish(
            new MessageReceived(record.tenantId(), record.mailboxId(), Snapshots.of(record)),
            correlationId);
      }
    }
  }

  /** The provider's read state and labels onto a stored message; true if that changed it. */
  private boolean applyFlags(
      MessageRef m, Place place, MessageFlags flags, String correlationId, Instant now) {
    List<String> labels = FolderLabels.labels(FolderLabels.of(place.name(), place.role()), flags);
    if (m.read() == flags.seen() && labels.equals(m.labels())) {
      return false;
    }
    if (!Boolean.TRUE.equals(
        messages
            .applyProviderState(m.tenantId(), m.id(), flags.seen(), labels, now)
            .block(STORE_TIMEOUT))) {
      return false;
    }
    events.publish(
        new MessageUpdated(m.tenantId(), m.mailboxId(), m.id(), flags.seen(), labels, now),
        correlationId);
    return true;
  }

  /**
   * Inbound mail in an ordinary place that the mailbox did not already have: a message moved to
   * Trash, Spam or another folder is not news, however recently it arrived there.
   */
  private boolean isNews(Place place, StoredMessage record) {
    if (record.direction() != Direction.INBOUND || QUIET_ROLES.contains(place.role())) {
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
}
