package dev.mailroom.store.outbox;

import dev.mailroom.store.outbox.OutboxRecord.OutboxStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Cross-tenant by design: the relay republishes every tenant's pending commands. */
public class OutboxRepository {
  private final ReactiveMongoTemplate mongo;
  private final Duration publishedRetention;

  public OutboxRepository(ReactiveMongoTemplate mongo, Duration publishedRetention) {
    this.mongo = mongo;
    this.publishedRetention = publishedRetention;
  }

  public Mono<OutboxRecord> insert(OutboxRecord record) {
    return mongo.insert(record);
  }

  /** One update for many records: publishers mark what Kafka acknowledged in batches. */
  public Mono<Void> markPublished(Collection<String> ids, Instant at) {
    return mongo
        .updateMulti(
            Query.query(Criteria.where("_id").in(ids)),
            Update.update("status", OutboxStatus.PUBLISHED)
                .set("publishedAt", at)
                .set("expiresAt", at.plus(publishedRetention)),
            OutboxRecord.class)
        .then();
  }

  /**
   * A publish that failed: counted on the record, and its key held (see {@link OutboxHold}) so the
   * key's later commands cannot overtake it. Both writes are tried even if one fails.
   */
  public Mono<Void> recordFailure(OutboxRecord record, String error, Instant at) {
    return Mono.whenDelayError(
        mongo.upsert(
            holdOf(record.key()),
            new Update().setOnInsert("since", at).inc("version", 1L),
            OutboxHold.class),
        mongo.updateFirst(
            Query.query(Criteria.where("_id").is(record.id())),
            new Update().inc("attempts", 1).set("lastError", error),
            OutboxRecord.class));
  }

  /**
   * Whether a just-stored record's key is held, counting the record as left behind the hold if so
   * (see {@link #releaseIfCaughtUp}). One update by {@code _id}, which writes nothing for a key
   * that is not held: all a submit pays for the holds.
   */
  public Mono<Boolean> deferIfHeld(String key) {
    return mongo
        .updateFirst(holdOf(key), new Update().inc("version", 1L), OutboxHold.class)
        .map(result -> result.getMatchedCount() > 0);
  }

  /** Read once per relay pass; a key is held only while it has a failed command, so few are. */
  public Flux<String> findHeldKeys() {
    return mongo.findAll(OutboxHold.class).map(OutboxHold::key);
  }

  /**
   * Lifts a key's hold once none of its records is pending. The version is read before looking for
   * pending records and only that version is removed, so a record stored meanwhile, whose submitter
   * checks the hold after its insert, is either seen pending here, or bumped the version (the hold
   * stays), or found the hold gone and was published directly with nothing of its key pending
   * before it.
   */
  public Mono<Boolean> releaseIfCaughtUp(String key) {
    return mongo
        .findById(key, OutboxHold.class)
        .filterWhen(hold -> hasPending(key).map(pending -> !pending))
        .flatMap(
            hold ->
                mongo.remove(
                    Query.query(Criteria.where("_id").is(key).and("version").is(hold.version())),
                    OutboxHold.class))
        .map(removed -> removed.getDeletedCount() > 0)
        .defaultIfEmpty(false);
  }

  /**
   * Not by {@code _id}, so for the relay only: few records are pending at a time, and MongoDB finds
   * them through the (status, createdAt) index.
   */
  private Mono<Boolean> hasPending(String key) {
    return mongo.exists(
        Query.query(Criteria.where("status").is(OutboxStatus.PENDING).and("key").is(key)),
        OutboxRecord.class);
  }

  private static Query holdOf(String key) {
    return Query.query(Criteria.where("_id").is(key));
  }

  /**
   * The relay's work list, oldest first: pending records older than {@code before}, and every
   * pending record of a held key however young, since nothing else publishes those. Records of
   * {@code skippedKeys} are left out.
   */
  public Flux<OutboxRecord> findDue(
      Instant before, Collection<String> heldKeys, Collection<String> skippedKeys, int limit) {
    Criteria pending = Criteria.where("status").is(OutboxStatus.PENDING);
    if (!skippedKeys.isEmpty()) {
      pending = pending.and("key").nin(skippedKeys);
    }
    Criteria due = Criteria.where("createdAt").lt(before);
    if (!heldKeys.isEmpty()) {
      due = new Criteria().orOperator(due, Criteria.where("key").in(heldKeys));
    }
    return mongo.find(
        Query.query(pending.andOperator(due)).with(Sort.by("createdAt")).limit(limit),
        OutboxRecord.class);
  }

  public Mono<OutboxRecord> findById(String id) {
    return mongo.findById(id, OutboxRecord.class);
  }
}
