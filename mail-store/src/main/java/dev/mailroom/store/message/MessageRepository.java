package dev.mailroom.store.message;

import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.store.TenantScope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.aggregation.Aggregation;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Messages, always within one tenant; soft-deleted messages are invisible to every read. Messages
 * in Trash (label {@code TRASH}) are readable and recoverable, but searches leave them out unless
 * they ask for {@code label=TRASH}, as Gmail does.
 */
public class MessageRepository {
  public static final String TRASH = "TRASH";

  private static final Sort NEWEST_FIRST =
      Sort.by(Sort.Order.desc("receivedAt"), Sort.Order.desc("_id"));

  static final String COLLECTION = "messages";
  private static final int LOOKUP_CHUNK = 500;

  private final ReactiveMongoTemplate mongo;
  private final ThreadKeys threadKeys;

  public MessageRepository(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
    this.threadKeys = new ThreadKeys(mongo);
  }

  /** Keyed for threading first, so that a retried insert threads as the first attempt did. */
  public Mono<StoredMessage> insert(StoredMessage message) {
    return threadKeys.record(List.of(message)).then(mongo.insert(message));
  }

  public Mono<StoredMessage> findById(String tenantId, String id) {
    return mongo.findOne(Query.query(visible(tenantId).and("_id").is(id)), StoredMessage.class);
  }

  /** Including soft-deleted ones: for workers reconciling with the provider. */
  public Mono<StoredMessage> findByIdIncludingDeleted(String tenantId, String id) {
    return mongo.findOne(TenantScope.byId(tenantId, id), StoredMessage.class);
  }

  /** A thread's messages in the given mailboxes, oldest first (see {@link ConversationOrder}). */
  public Flux<StoredMessage> findThread(String tenantId, List<String> mailboxIds, String threadId) {
    return mongo
        .find(
            Query.query(
                visible(tenantId).and("mailboxId").in(mailboxIds).and("threadId").is(threadId)),
            StoredMessage.class)
        .collectSortedList(ConversationOrder.OLDEST_FIRST)
        .flatMapIterable(messages -> messages);
  }

  /** One page, newest first; ask for {@code limit + 1} to learn whether more follow. */
  public Flux<StoredMessage> search(MessageQuery query) {
    Query mongoQuery = Query.query(criteria(query, true)).with(NEWEST_FIRST).limit(query.limit());
    return mongo.find(mongoQuery, StoredMessage.class);
  }

  /**
   * How many messages match the filters, whatever the page, for a page's total.
   *
   * <ul>
   *   <li>With a filter an index answers (words, sender, recipient, label), the matches are
   *       counted, no further than {@code cap}: an exact count reads every match, so the cost of a
   *       page would grow with the mailbox.
   *   <li>Without one (no filter, or only subject, read state, dates, attachments, direction), no
   *       index counts the matches: counting even 1,000 of them reads every message in scope until
   *       it has found them. The total is then estimated, as Gmail's {@code resultSizeEstimate} is:
   *       the share of matches among the newest {@link #TOTAL_SAMPLE} messages in scope, times how
   *       many the scope holds, which the mailbox index counts without reading a message. It is
   *       exact when the scope holds no more than the sample.
   * </ul>
   */
  public Mono<Long> total(MessageQuery query, int cap) {
    if (servedByIndex(query)) {
      return mongo.count(Query.query(criteria(query, false)).limit(cap), StoredMessage.class);
    }
    Criteria scope = TenantScope.of(query.tenantId()).and("mailboxId").in(query.mailboxIds());
    Mono<Long> inScope = mongo.count(Query.query(scope), StoredMessage.class);
    Mono<Long> inSample =
        mongo
            .aggregate(
                Aggregation.newAggregation(
                    StoredMessage.class,
                    Aggregation.match(scope),
                    Aggregation.sort(NEWEST_FIRST),
                    Aggregation.limit(TOTAL_SAMPLE),
                    Aggregation.match(criteria(query, false)),
                    Aggregation.group().count().as("n")),
                org.bson.Document.class)
            .next()
            .map(counted -> ((Number) counted.get("n")).longValue())
            .defaultIfEmpty(0L);
    return Mono.zip(inScope, inSample)
        .map(
            counts ->
                counts.getT1() <= TOTAL_SAMPLE
                    ? counts.getT2()
                    : Math.round((double) counts.getT2() * counts.getT1() / TOTAL_SAMPLE));
  }

  /** Messages an estimated total is taken from, newest first (see {@link #total}). */
  public static final int TOTAL_SAMPLE = 250;

  private static boolean servedByIndex(MessageQuery q) {
    return (q.text() != null && !SearchTokens.words(q.text()).isEmpty())
        || q.from() != null
        || q.to() != null
        || q.label() != null;
  }

  /** Applies a read-state and label change; returns the message as it is afterwards. */
  public Mono<StoredMessage> modify(
      String tenantId, String id, Boolean read, List<String> add, List<String> remove, Instant at) {
    Update update = new Update().set("updatedAt", at);
    if (read != null) {
      update.set("read", read);
    }
    Query query = Query.query(visible(tenantId).and("_id").is(id));
    Mono<StoredMessage> first =
        add == null || add.isEmpty()
            ? Mono.empty()
            : mongo.findAndModify(
                query, new Update().addToSet("labels").each(add.toArray()), StoredMessage.class);
    Mono<StoredMessage> second =
        remove == null || remove.isEmpty()
            ? Mono.empty()
            : mongo.findAndModify(
                query, new Update().pullAll("labels", remove.toArray()), StoredMessage.class);
    return first
        .then(second)
        .then(
            mongo.findAndModify(
                query,
                update,
                FindAndModifyOptions.options().returnNew(true),
                StoredMessage.class));
  }

  /**
   * Moves a message to Trash in the store: it takes {@code labels} (TRASH and whatever else it
   * keeps there), leaves searches other than {@code label=TRASH} and stays readable, so that it can
   * be recovered. Empty if it is gone or already in Trash.
   */
  public Mono<StoredMessage> trash(String tenantId, String id, List<String> labels, Instant at) {
    return mongo.findAndModify(
        Query.query(visible(tenantId).and("_id").is(id).and("labels").ne(TRASH)),
        Update.update("labels", labels).set("updatedAt", at),
        FindAndModifyOptions.options().returnNew(true),
        StoredMessage.class);
  }

  /** Soft delete: hidden from reads at once; the provider is told through a command. */
  public Mono<Boolean> markDeleted(String tenantId, String id, Instant at) {
    return mongo
        .updateFirst(
            Query.query(visible(tenantId).and("_id").is(id)),
            Update.update("deletedAt", at).set("updatedAt", at).addToSet("labels", "TRASH"),
            StoredMessage.class)
        .map(result -> result.getModifiedCount() == 1);
  }

  private static Criteria visible(String tenantId) {
    return TenantScope.of(tenantId).and("deletedAt").is(null);
  }

  private static Criteria criteria(MessageQuery q, boolean withPosition) {
    Criteria criteria = visible(q.tenantId()).and("mailboxId").in(q.mailboxIds());
    List<Criteria> all = new ArrayList<>();
    if (q.text() != null && !q.text().isBlank()) {
      List<String> words = SearchTokens.words(q.text());
      if (!words.isEmpty()) {
        all.add(Criteria.where("searchTokens").all(words));
      }
    }
    if (q.from() != null) {
      all.add(Criteria.where("fromEmail").is(q.from().toLowerCase(Locale.ROOT)));
    }
    if (q.to() != null) {
      all.add(recipient(q.to().toLowerCase(Locale.ROOT)));
    }
    if (q.subject() != null && !q.subject().isBlank()) {
      all.add(
          Criteria.where("subject")
              .regex(Pattern.compile(Pattern.quote(q.subject()), Pattern.CASE_INSENSITIVE)));
    }
    if (q.label() != null) {
      all.add(Criteria.where("labels").is(q.label()));
    }
    if (!TRASH.equals(q.label())) {
      all.add(Criteria.where("labels").ne(TRASH));
    }
    if (q.unread() != null) {
      all.add(Criteria.where("read").is(!q.unread()));
    }
    if (q.receivedAfter() != null) {
      all.add(Criteria.where("receivedAt").gt(q.receivedAfter()));
    }
    if (q.receivedBefore() != null) {
      all.add(Criteria.where("receivedAt").lt(q.receivedBefore()));
    }
    if (q.hasAttachment() != null) {
      all.add(Criteria.where("hasAttachments").is(q.hasAttachment()));
    }
    if (q.direction() != null) {
      all.add(Criteria.where("direction").is(q.direction()));
    }
    if (withPosition && q.after() != null) {
      // Keyset: strictly after the last row of the previous page in (receivedAt desc, id desc).
      all.add(
          new Criteria()
              .orOperator(
                  Criteria.where("receivedAt").lt(q.after().receivedAt()),
                  new Criteria()
                      .andOperator(
                          Criteria.where("receivedAt").is(q.after().receivedAt()),
                          Criteria.where("_id").lt(q.after().id()))));
    }
    return all.isEmpty() ? criteria : criteria.andOperator(all.toArray(Criteria[]::new));
  }

  /**
   * Any recipient: To, Cc or Bcc. {@code participantEmails} holds them all (every record has it)
   * but also the sender, so a match there counts when the address is not the sender's, or when the
   * sender also addressed themselves.
   */
  private static Criteria recipient(String email) {
    Pattern exactly = Pattern.compile("^" + Pattern.quote(email) + "$", Pattern.CASE_INSENSITIVE);
    return Criteria.where("participantEmails")
        .is(email)
        .orOperator(
            Criteria.where("fromEmail").ne(email),
            Criteria.where("toEmails").is(email),
            Criteria.where("cc.email").regex(exactly),
            Criteria.where("bcc.email").regex(exactly));
  }

  /** Inserts a batch; messages already stored (same mailbox and provider id) are skipped. */
  public Mono<Long> insertNew(List<StoredMessage> batch) {
    return threadKeys.record(batch).then(insertEach(batch));
  }

  private Mono<Long> insertEach(List<StoredMessage> batch) {
    return Flux.fromIterable(batch)
        .flatMap(
            m ->
                mongo
                    .insert(m)
                    .thenReturn(1L)
                    .onErrorResume(
                        org.springframework.dao.DuplicateKeyException.class, e -> Mono.just(0L)),
            8)
        .reduce(0L, Long::sum);
  }

  /**
   * The threads of stored messages with these Message-IDs, by Message-ID: what a batch of incoming
   * messages refers to (In-Reply-To, References), and their own ids (a copy already stored).
   */
  public Mono<Map<String, String>> threadsByMessageId(
      String tenantId, String mailboxId, Collection<String> rfcMessageIds) {
    return threadKeys.threadsByMessageId(tenantId, mailboxId, rfcMessageIds);
  }

  /**
   * For each of these Message-IDs that a stored message replies to (the reply arrived first), that
   * reply's thread.
   */
  public Mono<Map<String, String>> threadsOfRepliesTo(
      String tenantId, String mailboxId, Collection<String> rfcMessageIds) {
    return threadKeys.threadsOfRepliesTo(tenantId, mailboxId, rfcMessageIds);
  }

  /** The newest stored message's thread of each subject key. */
  public Mono<Map<String, ThreadKeys.SubjectThread>> newestThreadsBySubject(
      String tenantId, String mailboxId, Collection<String> subjectKeys) {
    return threadKeys.newestBySubject(tenantId, mailboxId, subjectKeys);
  }

  /**
   * Messages this mailbox sent (or is sending) through Mailroom whose provider copy has not been
   * seen yet, among these Message-IDs: sync turns such a record into the provider's message instead
   * of adding a second one. Failed sends never reach the provider and are left out.
   *
   * <p>Found by id: a message sent through Mailroom carries the Message-ID {@code <its id>@<its
   * mailbox's domain>} (see the gateway's MessageWrites), so a page of fetched messages costs one
   * lookup by {@code _id}, not a scan of the mailbox's outbound mail.
   */
  public Mono<Map<String, StoredMessage>> findPendingOutbound(
      String tenantId, String mailboxId, Collection<String> rfcMessageIds) {
    Set<String> wanted = new HashSet<>(rfcMessageIds);
    wanted.remove(null);
    List<String> candidates =
        wanted.stream()
            .filter(id -> id.lastIndexOf('@') > 0)
            .map(id -> id.substring(0, id.lastIndexOf('@')))
            .distinct()
            .toList();
    if (candidates.isEmpty()) {
      return Mono.just(new HashMap<>());
    }
    return Flux.fromIterable(chunks(candidates))
        .concatMap(
            chunk ->
                mongo.find(
                    Query.query(
                        TenantScope.mailbox(tenantId, mailboxId)
                            .and("_id")
                            .in(chunk)
                            .and("providerMessageId")
                            .regex("^outbox:")
                            .and("status")
                            .nin(MessageStatus.FAILED, MessageStatus.REJECTED)),
                    StoredMessage.class))
        .filter(m -> wanted.contains(m.rfcMessageId()))
        .collectMap(StoredMessage::rfcMessageId, m -> m, HashMap::new);
  }

  /** Records where the provider keeps a message (e.g. once a sent message shows up in Sent). */
  public Mono<Boolean> setProviderMessageId(
      String tenantId, String id, String providerMessageId, List<String> addLabels) {
    return mongo
        .updateFirst(
            TenantScope.byId(tenantId, id),
            new Update()
                .set("providerMessageId", providerMessageId)
                .addToSet("labels")
                .each(addLabels.toArray()),
            StoredMessage.class)
        .map(result -> result.getModifiedCount() == 1);
  }

  /**
   * What sync compares against: the stored messages under a scope a provider handed out. The store
   * knows no provider's reference scheme, only that every reference under a scope starts with it.
   */
  /** The provider reference of every stored message of a mailbox, whatever its provider. */
  public Flux<String> providerRefsOf(String tenantId, String mailboxId) {
    Query query =
        Query.query(TenantScope.mailbox(tenantId, mailboxId).and("providerMessageId").ne(null));
    query.fields().include("providerMessageId");
    return mongo
        .find(query, org.bson.Document.class, COLLECTION)
        .map(doc -> doc.getString("providerMessageId"));
  }

  public Flux<MessageRef> findRefsInScope(String tenantId, String mailboxId, String scope) {
    return refs(
        tenantId,
        mailboxId,
        TenantScope.mailbox(tenantId, mailboxId)
            .and("providerMessageId")
            .regex("^" + java.util.regex.Pattern.quote(scope)));
  }

  /**
   * The stored messages (deleted ones too) with these provider references: what one page of
   * provider changes is compared against, found by the mailbox's unique provider-reference index
   * whatever the size of the folder.
   */
  public Flux<MessageRef> findRefs(
      String tenantId, String mailboxId, Collection<String> providerRefs) {
    return Flux.fromIterable(chunks(new ArrayList<>(new LinkedHashSet<>(providerRefs))))
        .concatMap(
            chunk ->
                refs(
                    tenantId,
                    mailboxId,
                    TenantScope.mailbox(tenantId, mailboxId).and("providerMessageId").in(chunk)));
  }

  private Flux<MessageRef> refs(String tenantId, String mailboxId, Criteria criteria) {
    Query query = Query.query(criteria);
    query.fields().include("providerMessageId", "rfcMessageId", "read", "labels", "deletedAt");
    return mongo
        .find(query, org.bson.Document.class, COLLECTION)
        .map(
            doc ->
                new MessageRef(
                    doc.getString("_id"),
                    tenantId,
                    mailboxId,
                    doc.getString("providerMessageId"),
                    doc.getString("rfcMessageId"),
                    Boolean.TRUE.equals(doc.getBoolean("read")),
                    doc.getList("labels", String.class, List.of()),
                    doc.getDate("deletedAt") == null
                        ? null
                        : doc.getDate("deletedAt").toInstant()));
  }

  /** Lists of at most {@link #LOOKUP_CHUNK}, so that one query's {@code $in} stays small. */
  private static <T> List<List<T>> chunks(List<T> values) {
    List<List<T>> chunks = new ArrayList<>();
    for (int i = 0; i < values.size(); i += LOOKUP_CHUNK) {
      chunks.add(values.subList(i, Math.min(values.size(), i + LOOKUP_CHUNK)));
    }
    return chunks;
  }

  /** Read state and labels as the provider reports them; true if anything changed. */
  public Mono<Boolean> applyProviderState(
      String tenantId, String id, boolean read, List<String> labels, Instant at) {
    return mongo
        .updateFirst(
            TenantScope.byId(tenantId, id),
            Update.update("read", read).set("labels", labels).set("updatedAt", at),
            StoredMessage.class)
        .map(result -> result.getModifiedCount() == 1);
  }

  /** Whether the mailbox holds another message (deleted or not) with this Message-ID. */
  public Mono<Boolean> existsElsewhere(
      String tenantId, String mailboxId, String rfcMessageId, String exceptId) {
    if (rfcMessageId == null) {
      return Mono.just(false);
    }
    return mongo.exists(
        Query.query(
            TenantScope.mailbox(tenantId, mailboxId)
                .and("rfcMessageId")
                .is(rfcMessageId)
                .and("_id")
                .ne(exceptId)),
        StoredMessage.class);
  }

  /**
   * A queued outbound message becomes sending, for the delivery that read it queued; empty if it
   * was no longer queued (a redelivery, or another worker got there first).
   */
  public Mono<StoredMessage> claimForSending(String tenantId, String id, Instant at) {
    return transition(tenantId, id, MessageStatus.QUEUED, MessageStatus.SENDING, new Update(), at);
  }

  /**
   * Confirms that a message is still sending, as this delivery found it; empty if another delivery
   * has recorded an outcome meanwhile.
   */
  public Mono<StoredMessage> confirmSending(String tenantId, String id, Instant at) {
    return transition(tenantId, id, MessageStatus.SENDING, MessageStatus.SENDING, new Update(), at);
  }

  /**
   * Records a sending message as sent, its body now read from the raw MIME at {@code rawKey} (so
   * the copy the request left in the record goes). {@code sentAt} null keeps the time the record
   * has. Returns the message afterwards, or empty if it was no longer sending.
   */
  public Mono<StoredMessage> markSent(
      String tenantId, String id, String rawKey, Instant sentAt, Instant at) {
    return markSent(tenantId, id, rawKey, sentAt, false, null, at);
  }

  /**
   * As {@link #markSent(String, String, String, Instant, Instant)}, and with {@code
   * sentCopyPending} records that the copy for the Sent folder is still to be made: the provider
   * accepted the message, so from here on only the copy is retried, never the submission. A {@code
   * providerMessageId} (the id SES gave it) replaces the placeholder the send was recorded under,
   * so the provider's later notifications about the message find it; null keeps the placeholder.
   */
  public Mono<StoredMessage> markSent(
      String tenantId,
      String id,
      String rawKey,
      Instant sentAt,
      boolean sentCopyPending,
      String providerMessageId,
      Instant at) {
    Update update =
        new Update().set("rawKey", rawKey).unset("pendingBody").unset(SendProgress.SUBMITTING);
    if (sentAt != null) {
      update.set("sentAt", sentAt);
    }
    if (providerMessageId != null) {
      update.set("providerMessageId", providerMessageId);
    }
    if (sentCopyPending) {
      update.set(SendProgress.SENT_COPY, SendProgress.SentCopy.PENDING);
    }
    return transition(tenantId, id, MessageStatus.SENDING, MessageStatus.SENT, update, at);
  }

  /**
   * Marks a sending message as about to be handed to the provider, the last write before the
   * submission: a delivery that later finds the mark on a message still sending knows the provider
   * may have taken it. Empty if the message was no longer sending.
   */
  public Mono<StoredMessage> markSubmitting(String tenantId, String id, Instant at) {
    return transition(
        tenantId,
        id,
        MessageStatus.SENDING,
        MessageStatus.SENDING,
        new Update().set(SendProgress.SUBMITTING, at),
        at);
  }

  /** Takes the mark back after the provider refused the submission: nothing was sent. */
  public Mono<StoredMessage> clearSubmitting(String tenantId, String id, Instant at) {
    return transition(
        tenantId,
        id,
        MessageStatus.SENDING,
        MessageStatus.SENDING,
        new Update().unset(SendProgress.SUBMITTING),
        at);
  }

  /** Where a send stands beyond its status; empty if the message does not exist. */
  public Mono<SendProgress> sendProgress(String tenantId, String id) {
    Query query = Query.query(TenantScope.of(tenantId).and("_id").is(id));
    query
        .fields()
        .include(SendProgress.SUBMITTING, SendProgress.SENT_COPY, SendProgress.SENT_COPY_ERROR);
    return mongo.findOne(query, SendProgress.class, COLLECTION);
  }

  /** Records what became of a sent message's copy for the Sent folder. */
  public Mono<Boolean> recordSentCopy(
      String tenantId, String id, SendProgress.SentCopy outcome, String error, Instant at) {
    Update update =
        new Update()
            .set(SendProgress.SENT_COPY, outcome)
            .set("updatedAt", at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    if (error == null) {
      update.unset(SendProgress.SENT_COPY_ERROR);
    } else {
      update.set(SendProgress.SENT_COPY_ERROR, error);
    }
    return mongo
        .updateFirst(
            Query.query(
                TenantScope.of(tenantId).and("_id").is(id).and("status").is(MessageStatus.SENT)),
            update,
            StoredMessage.class)
        .map(r -> r.getModifiedCount() > 0);
  }

  /**
   * Records that a sending message may or may not have reached the provider: a delivery handed it
   * over and stopped before it could record the answer, and the provider keeps no copy to ask.
   */
  public Mono<StoredMessage> markUnknown(String tenantId, String id, String reason, Instant at) {
    return transition(
        tenantId,
        id,
        MessageStatus.SENDING,
        MessageStatus.UNKNOWN,
        new Update().set("statusReason", reason).unset(SendProgress.SUBMITTING),
        at);
  }

  /**
   * Records a sending message as failed with {@code reason}. It was never sent: no sent time, and
   * no SENT label for {@code label=SENT} to find.
   */
  public Mono<StoredMessage> markFailed(String tenantId, String id, String reason, Instant at) {
    return transition(
        tenantId,
        id,
        MessageStatus.SENDING,
        MessageStatus.FAILED,
        new Update()
            .set("statusReason", reason)
            .unset("sentAt")
            .unset(SendProgress.SUBMITTING)
            .pull("labels", "SENT"),
        at);
  }

  /**
   * The message of this mailbox that carries this Message-ID (without angle brackets), the newest
   * if several copies do; deleted ones are left out. What a new message naming the one it answers
   * is threaded with.
   */
  public Mono<StoredMessage> findByRfcMessageId(
      String tenantId, String mailboxId, String rfcMessageId) {
    return mongo
        .find(
            Query.query(
                    visible(tenantId)
                        .and("mailboxId")
                        .is(mailboxId)
                        .and("rfcMessageId")
                        .is(rfcMessageId))
                .with(NEWEST_FIRST)
                .limit(1),
            StoredMessage.class)
        .next();
  }

  /** A message this mailbox sent, by its Message-ID (without angle brackets): a point lookup. */
  public Mono<StoredMessage> findSent(String tenantId, String mailboxId, String rfcMessageId) {
    return mongo.findOne(
        Query.query(
            TenantScope.mailbox(tenantId, mailboxId)
                .and("rfcMessageId")
                .is(rfcMessageId)
                .and("direction")
                .is(Direction.OUTBOUND)),
        StoredMessage.class);
  }

  /** The message this mailbox sent that the provider knows by {@code providerMessageId}. */
  public Mono<StoredMessage> findSentByProviderId(
      String tenantId, String mailboxId, String providerMessageId) {
    return mongo.findOne(
        Query.query(
            TenantScope.mailbox(tenantId, mailboxId)
                .and("providerMessageId")
                .is(providerMessageId)
                .and("direction")
                .is(Direction.OUTBOUND)),
        StoredMessage.class);
  }

  /**
   * Records what the provider reported about a sent message ({@code delivered}, {@code bounced},
   * {@code complained}, {@code rejected}), if its status is one of {@code from}: reports arrive in
   * any order, and a later one may not undo an earlier (a delivery never clears a bounce). Empty
   * when the status did not allow it.
   */
  public Mono<StoredMessage> recordReportedStatus(
      String tenantId,
      String id,
      Collection<MessageStatus> from,
      MessageStatus to,
      String reason,
      Instant at) {
    Update update =
        new Update()
            .set("status", to)
            .set("updatedAt", at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    if (reason != null) {
      update.set("statusReason", reason);
    }
    return mongo.findAndModify(
        Query.query(TenantScope.of(tenantId).and("_id").is(id).and("status").in(from)),
        update,
        FindAndModifyOptions.options().returnNew(true),
        StoredMessage.class);
  }

  /**
   * Moves an outbound message from {@code from} to {@code to} if it is still in {@code from} (a
   * compare-and-set on the status its caller read); returns it as it is afterwards, or empty if its
   * status had changed meanwhile (another delivery got there first). One expected status rather
   * than a set keeps the filter an exact match, which every MongoDB, the embedded one included,
   * answers from an index.
   */
  private Mono<StoredMessage> transition(
      String tenantId, String id, MessageStatus from, MessageStatus to, Update update, Instant at) {
    update.set("status", to).set("updatedAt", at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    return mongo.findAndModify(
        Query.query(TenantScope.of(tenantId).and("_id").is(id).and("status").is(from)),
        update,
        FindAndModifyOptions.options().returnNew(true),
        StoredMessage.class);
  }
}
