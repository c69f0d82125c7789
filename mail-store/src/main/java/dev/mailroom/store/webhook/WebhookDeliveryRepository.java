package dev.mailroom.store.webhook;

import dev.mailroom.store.TenantScope;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public class WebhookDeliveryRepository {
  /** The delivery log keeps the latest attempts; older ones are dropped, never the delivery. */
  public static final int ATTEMPTS_KEPT = 30;

  /**
   * Set on a delivery that succeeded or ran out of retries, removed when it is replayed: until then
   * the delivery log and replays need it; after it, its TTL index (or the sweeper) removes it.
   */
  static final String EXPIRES_AT = "expiresAt";

  private final ReactiveMongoTemplate mongo;
  private final Duration finishedRetention;

  public WebhookDeliveryRepository(ReactiveMongoTemplate mongo, Duration finishedRetention) {
    this.mongo = mongo;
    this.finishedRetention = finishedRetention;
  }

  /** False when the delivery already exists (a redelivered event). */
  public Mono<Boolean> insertIfAbsent(WebhookDelivery delivery) {
    return mongo
        .insert(delivery)
        .thenReturn(true)
        .onErrorResume(DuplicateKeyException.class, e -> Mono.just(false));
  }

  /**
   * Inserts a batch in one round trip and returns the deliveries that are new. When some already
   * exist (a redelivered batch), it falls back to one insert each; any a failed batch insert had
   * already stored count as existing, and their lease expiring hands them to the poller.
   */
  public Mono<List<WebhookDelivery>> insertAllIfAbsent(List<WebhookDelivery> batch) {
    if (batch.isEmpty()) {
      return Mono.just(List.of());
    }
    return mongo
        .insertAll(batch)
        .collectList()
        .onErrorResume(
            DataIntegrityViolationException.class,
            duplicate ->
                Flux.fromIterable(batch)
                    .concatMap(d -> insertIfAbsent(d).filter(Boolean::booleanValue).map(b -> d))
                    .collectList());
  }

  public Mono<WebhookDelivery> findById(String tenantId, String id) {
    return mongo.findOne(TenantScope.byId(tenantId, id), WebhookDelivery.class);
  }

  /**
   * Leases up to {@code limit} due deliveries (pending, due, lease expired) until {@code
   * leaseUntil}, skipping the endpoints in {@code skipEndpoints} (their lanes are full). One query
   * finds candidates, then each is taken with a compare-and-set on its lease, so dispatcher
   * replicas never attempt the same delivery at once. Cross-tenant by design.
   */
  public Flux<WebhookDelivery> claimDue(
      Instant now, Instant leaseUntil, int limit, Collection<String> skipEndpoints) {
    Criteria due =
        Criteria.where("status")
            .is(DeliveryStatus.PENDING)
            .and("nextAttemptAt")
            .lte(now)
            .and("leaseUntil")
            .lte(now);
    if (!skipEndpoints.isEmpty()) {
      due = due.and("endpointId").nin(skipEndpoints);
    }
    Instant lease = WebhookDelivery.millis(leaseUntil);
    return mongo
        .find(Query.query(due).with(Sort.by("nextAttemptAt")).limit(limit), WebhookDelivery.class)
        .concatMap(
            candidate ->
                mongo
                    .updateFirst(
                        leased(candidate),
                        Update.update("leaseUntil", lease),
                        WebhookDelivery.class)
                    .filter(result -> result.getModifiedCount() == 1)
                    .map(result -> withLease(candidate, lease)));
  }

  private static WebhookDelivery withLease(WebhookDelivery d, Instant lease) {
    return new WebhookDelivery(
        d.id(),
        d.tenantId(),
        d.endpointId(),
        d.webhookId(),
        d.eventType(),
        d.mailboxId(),
        d.payload(),
        d.status(),
        d.attemptCount(),
        d.scheduleIndex(),
        d.nextAttemptAt(),
        lease,
        d.attempts(),
        d.createdAt(),
        d.updatedAt());
  }

  /**
   * Stores the outcome of an attempt made under {@code claimed}'s lease. False when the lease was
   * lost meanwhile (another dispatcher took the delivery over), in which case nothing is written.
   */
  public Mono<Boolean> recordAttempt(
      WebhookDelivery claimed,
      DeliveryAttempt attempt,
      DeliveryStatus status,
      int scheduleIndex,
      Instant nextAttemptAt) {
    Update update =
        Update.update("status", status)
            .set("scheduleIndex", scheduleIndex)
            .set("nextAttemptAt", nextAttemptAt)
            .set("leaseUntil", WebhookDelivery.NO_LEASE)
            .set("updatedAt", attempt.attemptedAt())
            .inc("attemptCount", 1);
    if (status == DeliveryStatus.PENDING) {
      update.unset(EXPIRES_AT);
    } else {
      update.set(EXPIRES_AT, attempt.attemptedAt().plus(finishedRetention));
    }
    update.push("attempts").slice(-ATTEMPTS_KEPT).each(attempt);
    return mongo
        .updateFirst(leased(claimed), update, WebhookDelivery.class)
        .map(result -> result.getModifiedCount() == 1);
  }

  /**
   * Extends the lease of a delivery still held under {@code claimed}'s lease; empty when another
   * dispatcher has taken it over.
   */
  public Mono<WebhookDelivery> extendLease(WebhookDelivery claimed, Instant leaseUntil) {
    return mongo.findAndModify(
        leased(claimed),
        Update.update("leaseUntil", WebhookDelivery.millis(leaseUntil)),
        FindAndModifyOptions.options().returnNew(true),
        WebhookDelivery.class);
  }

  /** Removes the log of a deleted endpoint. */
  public Mono<Long> deleteByEndpoint(String tenantId, String endpointId) {
    return mongo
        .remove(
            Query.query(TenantScope.of(tenantId).and("endpointId").is(endpointId)),
            WebhookDelivery.class)
        .map(result -> result.getDeletedCount());
  }

  /** Gives a leased delivery back unattempted, due at {@code nextAttemptAt}. */
  public Mono<Boolean> release(WebhookDelivery claimed, Instant nextAttemptAt) {
    return mongo
        .updateFirst(
            leased(claimed),
            Update.update("leaseUntil", WebhookDelivery.NO_LEASE)
                .set("nextAttemptAt", nextAttemptAt),
            WebhookDelivery.class)
        .map(result -> result.getModifiedCount() == 1);
  }

  /** Newest first, keyset-paginated by (createdAt, id) strictly before the given position. */
  public Flux<WebhookDelivery> list(
      String tenantId,
      String endpointId,
      DeliveryStatus status,
      Instant beforeCreatedAt,
      String beforeId,
      int limit) {
    Criteria criteria = TenantScope.of(tenantId).and("endpointId").is(endpointId);
    if (status != null) {
      criteria = criteria.and("status").is(status);
    }
    if (beforeCreatedAt != null) {
      criteria =
          criteria.orOperator(
              Criteria.where("createdAt").lt(beforeCreatedAt),
              Criteria.where("createdAt").is(beforeCreatedAt).and("_id").lt(beforeId));
    }
    return mongo.find(
        Query.query(criteria).with(Sort.by(Sort.Direction.DESC, "createdAt", "_id")).limit(limit),
        WebhookDelivery.class);
  }

  /**
   * Makes a finished delivery due now with a fresh retry schedule; the webhook id and payload stay
   * the same. Empty when the delivery does not exist or is still pending.
   */
  public Mono<WebhookDelivery> replay(String tenantId, String endpointId, String id, Instant now) {
    return mongo.findAndModify(
        Query.query(
            TenantScope.of(tenantId)
                .and("_id")
                .is(id)
                .and("endpointId")
                .is(endpointId)
                .and("status")
                .in(List.of(DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED))),
        replayed(now),
        FindAndModifyOptions.options().returnNew(true),
        WebhookDelivery.class);
  }

  /** Replays every failed delivery of the endpoint created at or after {@code since}. */
  public Mono<Long> replayFailedSince(
      String tenantId, String endpointId, Instant since, Instant now) {
    return mongo
        .updateMulti(
            Query.query(
                TenantScope.of(tenantId)
                    .and("endpointId")
                    .is(endpointId)
                    .and("status")
                    .is(DeliveryStatus.FAILED)
                    .and("createdAt")
                    .gte(since)),
            replayed(now),
            WebhookDelivery.class)
        .map(result -> result.getModifiedCount());
  }

  private static Update replayed(Instant now) {
    return Update.update("status", DeliveryStatus.PENDING)
        .set("scheduleIndex", 0)
        .set("nextAttemptAt", now)
        .set("leaseUntil", WebhookDelivery.NO_LEASE)
        .set("updatedAt", now)
        .unset(EXPIRES_AT);
  }

  private static Query leased(WebhookDelivery claimed) {
    return Query.query(
        Criteria.where("_id").is(claimed.id()).and("leaseUntil").is(claimed.leaseUntil()));
  }
}
