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

  public Mono<Void> recordFailure(String id, String error) {
    return mongo
        .updateFirst(
            Query.query(Criteria.where("_id").is(id)),
            new Update().inc("attempts", 1).set("lastError", error),
            OutboxRecord.class)
        .then();
  }

  /** Pending records older than {@code before}, oldest first: the relay's work list. */
  public Flux<OutboxRecord> findPendingBefore(Instant before, int limit) {
    return mongo.find(
        Query.query(Criteria.where("status").is(OutboxStatus.PENDING).and("createdAt").lt(before))
            .with(Sort.by("createdAt"))
            .limit(limit),
        OutboxRecord.class);
  }

  public Mono<OutboxRecord> findById(String id) {
    return mongo.findById(id, OutboxRecord.class);
  }
}
