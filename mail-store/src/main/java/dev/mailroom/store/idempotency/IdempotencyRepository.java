package dev.mailroom.store.idempotency;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Mono;

public class IdempotencyRepository {
  private final ReactiveMongoTemplate mongo;

  public IdempotencyRepository(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /**
   * True if this caller now owns the key: it was free, or its previous claim was never finished and
   * is past its {@code claimedUntil} (as of the new record's {@code createdAt}). False if another
   * request holds it or finished it.
   */
  public Mono<Boolean> claim(IdempotencyRecord record) {
    return mongo
        .insert(record)
        .thenReturn(true)
        .onErrorResume(DuplicateKeyException.class, e -> takeOver(record));
  }

  private Mono<Boolean> takeOver(IdempotencyRecord record) {
    Query abandoned =
        Query.query(
            Criteria.where("_id")
                .is(record.id())
                .and("completed")
                .is(false)
                .orOperator(
                    Criteria.where("claimedUntil").lt(record.createdAt()),
                    Criteria.where("claimedUntil").is(null)));
    return mongo
        .findAndModify(
            abandoned,
            new Update()
                .set("requestHash", record.requestHash())
                .set("createdAt", record.createdAt())
                .set("expiresAt", record.expiresAt())
                .set("claimedUntil", record.claimedUntil()),
            IdempotencyRecord.class)
        .map(previous -> true)
        .defaultIfEmpty(false);
  }

  public Mono<IdempotencyRecord> find(String tenantId, String key) {
    return mongo.findOne(
        Query.query(
            Criteria.where("_id")
                .is(IdempotencyRecord.idOf(tenantId, key))
                .and("tenantId")
                .is(tenantId)),
        IdempotencyRecord.class);
  }

  public Mono<Void> complete(String tenantId, String key, int status, String body) {
    return mongo
        .updateFirst(
            Query.query(Criteria.where("_id").is(IdempotencyRecord.idOf(tenantId, key))),
            Update.update("completed", true).set("status", status).set("responseBody", body),
            IdempotencyRecord.class)
        .then();
  }

  /** A request that failed before anything durable happened gives its key back for a retry. */
  public Mono<Void> release(String tenantId, String key) {
    return mongo
        .remove(
            Query.query(
                Criteria.where("_id")
                    .is(IdempotencyRecord.idOf(tenantId, key))
                    .and("completed")
                    .is(false)),
            IdempotencyRecord.class)
        .then();
  }
}
