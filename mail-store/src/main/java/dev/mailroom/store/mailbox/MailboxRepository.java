package dev.mailroom.store.mailbox;

import dev.mailroom.model.command.SyncMode;
import dev.mailroom.store.TenantScope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public class MailboxRepository {
  private static final String COLLECTION = "mailboxes";
  private final ReactiveMongoTemplate mongo;

  public MailboxRepository(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
    // A worker reads mailboxes it never wrote: unless its mapping context knows the settings
    // records beforehand, the alias in their _class names no type and they cannot be read.
    var mapping = mongo.getConverter().getMappingContext();
    for (Class<?> settings : ProviderSettings.class.getPermittedSubclasses()) {
      mapping.getPersistentEntity(settings);
    }
  }

  public Mono<Mailbox> insert(Mailbox mailbox) {
    return mongo.insert(mailbox);
  }

  public Mono<Mailbox> findById(String tenantId, String id) {
    return mongo.findOne(TenantScope.byId(tenantId, id), Mailbox.class);
  }

  public Flux<Mailbox> findByTenant(String tenantId) {
    return mongo.find(
        Query.query(TenantScope.of(tenantId)).with(Sort.by("createdAt", "_id")), Mailbox.class);
  }

  /** The tenant's mailboxes in creation order, after {@code after} when given. */
  public Flux<Mailbox> findByTenant(String tenantId, dev.mailroom.store.ListPosition after) {
    return mongo.find(
        dev.mailroom.store.ListPosition.after(TenantScope.of(tenantId), after), Mailbox.class);
  }

  /** The tenant's mailboxes as {@link MailboxIdentity}: a fraction of the cost of whole records. */
  public Flux<MailboxIdentity> identitiesByTenant(String tenantId) {
    return mongo
        .query(Mailbox.class)
        .as(MailboxIdentity.class)
        .matching(
            identityOnly(Query.query(TenantScope.of(tenantId)).with(Sort.by("createdAt", "_id"))))
        .all();
  }

  /** The identity of the tenant's mailbox at this address (as stored). */
  public Mono<MailboxIdentity> identityByAddress(String tenantId, String address) {
    return mongo
        .query(Mailbox.class)
        .as(MailboxIdentity.class)
        .matching(identityOnly(Query.query(TenantScope.of(tenantId).and("address").is(address))))
        .one();
  }

  /** The identity of the tenant's mailbox with this id. */
  public Mono<MailboxIdentity> identityById(String tenantId, String id) {
    return mongo
        .query(Mailbox.class)
        .as(MailboxIdentity.class)
        .matching(identityOnly(Query.query(TenantScope.of(tenantId).and("_id").is(id))))
        .one();
  }

  // Read on every API call: the sync state alone can be many times the rest.
  private static Query identityOnly(Query query) {
    query.fields().exclude("sync", "settings", "secret");
    return query;
  }

  public Mono<Mailbox> findByAddress(String tenantId, String address) {
    return mongo.findOne(
        Query.query(TenantScope.of(tenantId).and("address").is(address)), Mailbox.class);
  }

  public Mono<Boolean> updateSync(String tenantId, String id, SyncState sync) {
    return mongo
        .updateFirst(TenantScope.byId(tenantId, id), Update.update("sync", sync), Mailbox.class)
        .map(result -> result.getMatchedCount() == 1);
  }

  /**
   * A failed sync's state, and the scheduler's next turn for the mailbox moved to its retry time,
   * so that a failing mailbox is retried with back-off rather than on every poll.
   */
  public Mono<Boolean> updateSyncAfterFailure(String tenantId, String id, SyncState sync) {
    Update update = Update.update("sync", sync);
    if (sync.nextRetryAt() != null) {
      update.set("nextSyncAt", sync.nextRetryAt());
    }
    return mongo
        .updateFirst(TenantScope.byId(tenantId, id), update, Mailbox.class)
        .map(result -> result.getMatchedCount() == 1);
  }

  public Mono<Boolean> updateStatus(String tenantId, String id, MailboxStatus status) {
    return mongo
        .updateFirst(TenantScope.byId(tenantId, id), Update.update("status", status), Mailbox.class)
        .map(result -> result.getMatchedCount() == 1);
  }

  /**
   * Moves the status only if it is still {@code from}; true for the one caller that made the
   * change, so a side effect (one event, one log line) happens once however many workers race.
   */
  public Mono<Boolean> transitionStatus(
      String tenantId, String id, MailboxStatus from, MailboxStatus to) {
    return mongo
        .updateFirst(
            Query.query(TenantScope.of(tenantId).and("_id").is(id).and("status").is(from)),
            Update.update("status", to),
            Mailbox.class)
        .map(result -> result.getModifiedCount() == 1);
  }

  /**
   * Applies an operator's change and emits the mailbox as it is now; empty when the tenant has no
   * such mailbox. A new secret makes a {@code reauth_required} mailbox active again, clears the
   * error its sync state showed and makes it due for the scheduler at once.
   */
  public Mono<Mailbox> change(String tenantId, String id, MailboxChange change, Instant now) {
    Update update = new Update();
    if (change.displayName() != null) {
      update.set("displayName", change.displayName());
    }
    if (change.readEnabled() != null) {
      update.set("readEnabled", change.readEnabled());
    }
    if (change.sendEnabled() != null) {
      update.set("sendEnabled", change.sendEnabled());
    }
    if (change.defaultMailbox() != null) {
      update.set("defaultMailbox", change.defaultMailbox());
    }
    Mono<Void> reactivate = Mono.empty();
    if (change.secret() != null) {
      update.set("secret", change.secret()).set("nextSyncAt", now);
      reactivate =
          mongo
              .updateFirst(
                  Query.query(
                      TenantScope.of(tenantId)
                          .and("_id")
                          .is(id)
                          .and("status")
                          .is(MailboxStatus.REAUTH_REQUIRED)),
                  Update.update("status", MailboxStatus.ACTIVE),
                  Mailbox.class)
              .then();
    }
    Mono<Void> otherDefaults =
        Boolean.TRUE.equals(change.defaultMailbox())
            // One default per tenant: the one named now replaces the one before.
            ? mongo
                .updateMulti(
                    Query.query(TenantScope.of(tenantId).and("_id").ne(id)),
                    Update.update("defaultMailbox", false),
                    Mailbox.class)
                .then()
            : Mono.empty();
    Mono<Mailbox> changed =
        update.getUpdateObject().isEmpty()
            ? findById(tenantId, id)
            : mongo.findAndModify(
                TenantScope.byId(tenantId, id),
                update,
                org.springframework.data.mongodb.core.FindAndModifyOptions.options()
                    .returnNew(true),
                Mailbox.class);
    Mono<Void> before = reactivate;
    return findById(tenantId, id)
        .flatMap(
            exists ->
                before
                    .then(changed)
                    .flatMap(
                        mailbox ->
                            change.secret() == null ? Mono.just(mailbox) : clearSyncError(mailbox))
                    .flatMap(mailbox -> otherDefaults.thenReturn(mailbox)));
  }

  private Mono<Mailbox> clearSyncError(Mailbox mailbox) {
    SyncState sync = mailbox.sync();
    if (sync == null || sync.withoutError() == sync) {
      return Mono.just(mailbox);
    }
    return updateSync(mailbox.tenantId(), mailbox.id(), sync.withoutError())
        .then(findById(mailbox.tenantId(), mailbox.id()));
  }

  /** The next connection number of a tenant: 1, 2, 3, ... */
  public Mono<Long> nextConnectionId(String tenantId) {
    return mongo
        .findAndModify(
            Query.query(Criteria.where("_id").is("mailbox-connection:" + tenantId)),
            new Update().inc("seq", 1L),
            org.springframework.data.mongodb.core.FindAndModifyOptions.options()
                .upsert(true)
                .returnNew(true),
            org.bson.Document.class,
            "counters")
        .map(doc -> ((Number) doc.get("seq")).longValue());
  }

  /**
   * Claims one active mailbox whose scheduled sync is due and moves its next turn to {@code next}.
   * Atomic, so worker replicas never schedule the same mailbox twice. Cross-tenant by design.
   */
  public Mono<Mailbox> claimDueForSync(java.time.Instant now, java.time.Instant next) {
    return mongo.findAndModify(
        Query.query(
            Criteria.where("status")
                .is(MailboxStatus.ACTIVE)
                .and("readEnabled")
                .is(true)
                .orOperator(
                    Criteria.where("nextSyncAt").lte(now),
                    Criteria.where("nextSyncAt").exists(false))),
        Update.update("nextSyncAt", next),
        Mailbox.class);
  }

  /** Every mailbox that is synced (active, reading enabled), across tenants. */
  public Flux<Mailbox> findSynced() {
    return mongo.find(
        Query.query(Criteria.where("status").is(MailboxStatus.ACTIVE).and("readEnabled").is(true)),
        Mailbox.class);
  }

  /**
   * A sync request waiting in the command queue. A mailbox has at most one: requests arriving while
   * it waits join it rather than queue more of the same work, so no caller can fill the command
   * partitions other mailboxes share. Its worker clears it when it starts, so a request arriving
   * during a sync queues the next one. A continuation of a running sync is not a request and does
   * not count.
   */
  public record PendingSync(String commandId, SyncMode mode, Instant requestedAt) {}

  /**
   * A pending sync no worker has started this long after it was queued is taken as lost (its
   * command dead-lettered, or never stored), so that it cannot block the mailbox's syncs forever.
   */
  public static final Duration PENDING_SYNC_LAPSES_AFTER = Duration.ofMinutes(15);

  private static final String PENDING_SYNC = "pendingSync";

  /**
   * Makes {@code wanted} the mailbox's pending sync unless a fresh one that covers it is already
   * waiting (a full sync covers an incremental one, not the reverse). Emits the sync that will run,
   * {@code wanted} or the one already queued; the caller queues a command only in the first case.
   * Empty when the mailbox does not exist.
   */
  public Mono<PendingSync> queueSync(String tenantId, String mailboxId, PendingSync wanted) {
    return queueSync(tenantId, mailboxId, wanted, 3);
  }

  private Mono<PendingSync> queueSync(
      String tenantId, String mailboxId, PendingSync wanted, int attempts) {
    List<Criteria> free = new ArrayList<>();
    free.add(Criteria.where(PENDING_SYNC).exists(false));
    free.add(
        Criteria.where(PENDING_SYNC + ".requestedAt")
            .lt(Date.from(wanted.requestedAt().minus(PENDING_SYNC_LAPSES_AFTER))));
    if (wanted.mode() == SyncMode.FULL) {
      free.add(Criteria.where(PENDING_SYNC + ".mode").ne(SyncMode.FULL.name()));
    }
    Document pending =
        new Document("commandId", wanted.commandId())
            .append("mode", wanted.mode().name())
            .append("requestedAt", Date.from(wanted.requestedAt()));
    return mongo
        .findAndModify(
            Query.query(TenantScope.of(tenantId).and("_id").is(mailboxId).orOperator(free)),
            Update.update(PENDING_SYNC, pending),
            Document.class,
            COLLECTION)
        .map(claimed -> wanted)
        .switchIfEmpty(
            Mono.defer(
                () ->
                    mongo
                        .findOne(
                            Query.query(TenantScope.of(tenantId).and("_id").is(mailboxId)),
                            Document.class,
                            COLLECTION)
                        .flatMap(
                            mailbox -> {
                              Document queued = mailbox.get(PENDING_SYNC, Document.class);
                              if (queued != null) {
                                return Mono.just(
                                    new PendingSync(
                                        queued.getString("commandId"),
                                        SyncMode.valueOf(queued.getString("mode")),
                                        queued.getDate("requestedAt").toInstant()));
                              }
                              // Started between the two reads: the mailbox is free again.
                              return attempts > 1
                                  ? queueSync(tenantId, mailboxId, wanted, attempts - 1)
                                  : Mono.just(wanted);
                            })));
  }

  /**
   * The worker started {@code commandId}, or the caller failed to queue it: the mailbox has no
   * pending sync any more, unless another replaced it meanwhile.
   */
  public Mono<Void> clearPendingSync(String tenantId, String mailboxId, String commandId) {
    return mongo
        .updateFirst(
            Query.query(
                TenantScope.of(tenantId)
                    .and("_id")
                    .is(mailboxId)
                    .and(PENDING_SYNC + ".commandId")
                    .is(commandId)),
            new Update().unset(PENDING_SYNC),
            COLLECTION)
        .then();
  }
}
