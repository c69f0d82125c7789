package dev.mailroom.store.message;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.springframework.data.mongodb.core.BulkOperations.BulkMode;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What threading looks up, one small document per key, addressed by {@code _id}: the thread of a
 * Message-ID, the thread of a message that replies to a Message-ID, and the newest thread of a
 * subject. Threading a batch then costs lookups by key whatever the mailbox's size: on MongoDB the
 * {@code _id} index serves them as well as the messages' own indexes would, and the embedded
 * server, whose secondary indexes are ordered maps in the heap (ADR 25), looks them up by key too.
 *
 * <p>Keys are written before the messages they describe, and a Message-ID or a reply keeps the
 * first thread written for it: a batch retried after a crash finds its own keys and threads its
 * messages as the first attempt did. Subjects keep the newest message's thread; two writers racing
 * on one subject can leave the older one, which only decides which thread a later "Re:" without
 * references joins.
 */
public final class ThreadKeys {
  public static final String COLLECTION = "thread_keys";

  /** Values longer than this are hashed: a subject may run to 998 characters. */
  private static final int LONGEST_KEPT_VALUE = 200;

  /** A reply quoting more references than this keys only the latest ones. */
  static final int REFERENCES_KEPT = 20;

  private static final String BY_MESSAGE_ID = "mid";
  private static final String BY_REPLIED_TO = "re";
  private static final String BY_SUBJECT = "subj";
  private static final String UPGRADED = "upgrade|thread-keys|v1";

  private final ReactiveMongoTemplate mongo;

  public ThreadKeys(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** The newest thread of a subject, and when its message was received. */
  public record SubjectThread(String threadId, Instant receivedAt) {}

  /** What of a message is keyed. */
  private record Keyed(
      String tenantId,
      String mailboxId,
      String threadId,
      String rfcMessageId,
      String inReplyTo,
      List<String> references,
      String subjectKey,
      Instant receivedAt) {

    static Keyed of(StoredMessage m) {
      return new Keyed(
          m.tenantId(),
          m.mailboxId(),
          m.threadId(),
          m.rfcMessageId(),
          m.inReplyTo(),
          m.references(),
          m.subjectKey(),
          m.receivedAt());
    }

    static Keyed of(Document m) {
      Date receivedAt = m.getDate("receivedAt");
      return new Keyed(
          m.getString("tenantId"),
          m.getString("mailboxId"),
          m.getString("threadId"),
          m.getString("rfcMessageId"),
          m.getString("inReplyTo"),
          m.getList("references", String.class, List.of()),
          m.getString("subjectKey"),
          receivedAt == null ? null : receivedAt.toInstant());
    }
  }

  /** Keys every message of a batch; messages without a thread are skipped. */
  public Mono<Void> record(Collection<StoredMessage> messages) {
    return recordKeyed(messages.stream().map(Keyed::of).toList());
  }

  private Mono<Void> recordKeyed(List<Keyed> messages) {
    Map<String, Update> firstWins = new LinkedHashMap<>();
    Map<String, Keyed> newestBySubject = new LinkedHashMap<>();
    for (Keyed m : messages) {
      if (m.threadId() == null) {
        continue;
      }
      if (m.rfcMessageId() != null) {
        firstWins.putIfAbsent(
            key(BY_MESSAGE_ID, m.tenantId(), m.mailboxId(), m.rfcMessageId()), keyed(m));
      }
      for (String referenced : referencesOf(m)) {
        firstWins.putIfAbsent(
            key(BY_REPLIED_TO, m.tenantId(), m.mailboxId(), referenced), keyed(m));
      }
      if (m.subjectKey() != null && !m.subjectKey().isEmpty() && m.receivedAt() != null) {
        newestBySubject.merge(
            key(BY_SUBJECT, m.tenantId(), m.mailboxId(), m.subjectKey()),
            m,
            (a, b) -> b.receivedAt().isAfter(a.receivedAt()) ? b : a);
      }
    }
    return upsert(new ArrayList<>(firstWins.entrySet())).then(newerSubjects(newestBySubject));
  }

  private static Update keyed(Keyed m) {
    return new Update()
        .setOnInsert("tenantId", m.tenantId())
        .setOnInsert("mailboxId", m.mailboxId())
        .setOnInsert("threadId", m.threadId());
  }

  /** Writes only the subjects whose stored message is older than the batch's newest. */
  private Mono<Void> newerSubjects(Map<String, Keyed> newestBySubject) {
    if (newestBySubject.isEmpty()) {
      return Mono.empty();
    }
    return byIds(newestBySubject.keySet())
        .collectMap(doc -> doc.getString("_id"), doc -> doc.getDate("at"))
        .flatMap(
            stored -> {
              List<Map.Entry<String, Update>> newer = new ArrayList<>();
              newestBySubject.forEach(
                  (key, m) -> {
                    Date at = stored.get(key);
                    if (at == null || at.toInstant().isBefore(m.receivedAt())) {
                      newer.add(
                          Map.entry(
                              key,
                              new Update()
                                  .set("tenantId", m.tenantId())
                                  .set("mailboxId", m.mailboxId())
                                  .set("threadId", m.threadId())
                                  .set("at", m.receivedAt())));
                    }
                  });
              return upsert(newer);
            });
  }

  private Mono<Void> upsert(List<Map.Entry<String, Update>> updates) {
    if (updates.isEmpty()) {
      return Mono.empty();
    }
    var bulk = mongo.bulkOps(BulkMode.UNORDERED, COLLECTION);
    updates.forEach(
        e -> bulk.upsert(Query.query(Criteria.where("_id").is(e.getKey())), e.getValue()));
    return bulk.execute().then();
  }

  /** The thread of each of these Message-IDs that a stored message carries. */
  public Mono<Map<String, String>> threadsByMessageId(
      String tenantId, String mailboxId, Collection<String> rfcMessageIds) {
    return threads(BY_MESSAGE_ID, tenantId, mailboxId, rfcMessageIds);
  }

  /** For each of these Message-IDs that a stored message replies to, that reply's thread. */
  public Mono<Map<String, String>> threadsOfRepliesTo(
      String tenantId, String mailboxId, Collection<String> rfcMessageIds) {
    return threads(BY_REPLIED_TO, tenantId, mailboxId, rfcMessageIds);
  }

  /** The newest stored message's thread of each of these subject keys. */
  public Mono<Map<String, SubjectThread>> newestBySubject(
      String tenantId, String mailboxId, Collection<String> subjectKeys) {
    Map<String, String> byKey = keysOf(BY_SUBJECT, tenantId, mailboxId, subjectKeys);
    return byIds(byKey.keySet())
        .filter(doc -> doc.getString("threadId") != null && doc.getDate("at") != null)
        .collectMap(
            doc -> byKey.get(doc.getString("_id")),
            doc -> new SubjectThread(doc.getString("threadId"), doc.getDate("at").toInstant()),
            HashMap::new);
  }

  private Mono<Map<String, String>> threads(
      String kind, String tenantId, String mailboxId, Collection<String> values) {
    Map<String, String> byKey = keysOf(kind, tenantId, mailboxId, values);
    return byIds(byKey.keySet())
        .filter(doc -> doc.getString("threadId") != null)
        .collectMap(
            doc -> byKey.get(doc.getString("_id")), doc -> doc.getString("threadId"), HashMap::new);
  }

  /** By {@code _id} alone: the one query shape every server answers from an index. */
  private Flux<Document> byIds(Collection<String> ids) {
    if (ids.isEmpty()) {
      return Flux.empty();
    }
    return mongo.find(Query.query(Criteria.where("_id").in(ids)), Document.class, COLLECTION);
  }

  private static Map<String, String> keysOf(
      String kind, String tenantId, String mailboxId, Collection<String> values) {
    Map<String, String> byKey = new HashMap<>();
    for (String value : values) {
      if (value != null && !value.isEmpty()) {
        byKey.put(key(kind, tenantId, mailboxId, value), value);
      }
    }
    return byKey;
  }

  /** Tenant and mailbox ids never hold {@code |}; the value comes last, so keys cannot collide. */
  static String key(String kind, String tenantId, String mailboxId, String value) {
    return kind + "|" + tenantId + "|" + mailboxId + "|" + shortened(value);
  }

  private static String shortened(String value) {
    if (value.length() <= LONGEST_KEPT_VALUE) {
      return value;
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> referencesOf(Keyed m) {
    Set<String> referenced = new LinkedHashSet<>();
    if (m.inReplyTo() != null) {
      referenced.add(m.inReplyTo());
    }
    List<String> references = m.references() == null ? List.of() : m.references();
    // The latest references are the closest ancestors; the oldest add nothing the others miss.
    int from = Math.max(0, references.size() - REFERENCES_KEPT);
    referenced.addAll(references.subList(from, references.size()));
    return new ArrayList<>(referenced);
  }

  /** Removes one mailbox's keys. */
  public Mono<Long> purgeMailbox(String tenantId, String mailboxId) {
    return remove(Criteria.where("tenantId").is(tenantId).and("mailboxId").is(mailboxId));
  }

  /** Removes every key of a tenant. */
  public Mono<Long> purgeTenant(String tenantId) {
    return remove(Criteria.where("tenantId").is(tenantId));
  }

  private Mono<Long> remove(Criteria criteria) {
    return mongo.remove(Query.query(criteria), COLLECTION).map(result -> result.getDeletedCount());
  }

  /**
   * Keys the messages stored before keys existed, once: threading would otherwise not find them.
   * Idempotent, and safe to run from several services at once; emits how many messages it keyed.
   */
  public Mono<Long> keyStoredMessages() {
    Query stored = new Query();
    stored
        .fields()
        .include(
            "tenantId",
            "mailboxId",
            "threadId",
            "rfcMessageId",
            "inReplyTo",
            "references",
            "subjectKey",
            "receivedAt");
    return mongo
        .exists(Query.query(Criteria.where("_id").is(UPGRADED)), COLLECTION)
        .flatMap(
            done ->
                done
                    ? Mono.just(0L)
                    : mongo
                        .find(stored, Document.class, MessageRepository.COLLECTION)
                        .map(Keyed::of)
                        .buffer(500)
                        .concatMap(batch -> recordKeyed(batch).thenReturn((long) batch.size()))
                        .reduce(0L, Long::sum)
                        .flatMap(
                            n ->
                                mongo
                                    .upsert(
                                        Query.query(Criteria.where("_id").is(UPGRADED)),
                                        Update.update("at", Instant.now()),
                                        COLLECTION)
                                    .thenReturn(n)));
  }
}
