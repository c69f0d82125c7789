package dev.mailroom.store.config;

import dev.mailroom.store.hosted.HostedDomain;
import dev.mailroom.store.idempotency.IdempotencyRecord;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.outbox.OutboxRecord;
import dev.mailroom.store.ratelimit.SlidingWindowRateLimiter;
import dev.mailroom.store.suppression.Suppression;
import dev.mailroom.store.tenant.Tenant;
import dev.mailroom.store.token.ApiToken;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookEndpoint;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Creates the indexes every query relies on. In the background and retried, because a service must
 * start (and report not-ready) while MongoDB is still unreachable.
 */
public class MongoIndexes {
  private final ReactiveMongoTemplate mongo;
  private final boolean exactMatchIndexes;

  public MongoIndexes(ReactiveMongoTemplate mongo, boolean exactMatchIndexes) {
    this.mongo = mongo;
    this.exactMatchIndexes = exactMatchIndexes;
  }

  /** Completes once every index exists; idempotent. */
  public Mono<Void> ensure() {
    return queryIndexes().concatWith(exactMatchIndexes ? exactMatch() : Flux.empty()).then();
  }

  /** See {@link StoreProperties#exactMatchIndexes()}: unique because {@code _id} already is. */
  private Flux<String> exactMatch() {
    return Flux.concat(
        Flux.just(Mailbox.class, StoredMessage.class, WebhookEndpoint.class, WebhookDelivery.class)
            .concatMap(type -> index(type, unique("tenantId", "_id"))),
        // A visible message by id: reads, label changes and deletes through the API.
        index(StoredMessage.class, unique("tenantId", "deletedAt", "_id")),
        // Status compare-and-set: a send's queued -> sending -> sent, a mailbox's re-auth.
        Flux.just(Mailbox.class, StoredMessage.class)
            .concatMap(type -> index(type, unique("tenantId", "_id", "status"))),
        index(WebhookDelivery.class, unique("_id", "leaseUntil")));
  }

  private static Index unique(String... keys) {
    Index index = new Index();
    for (String key : keys) {
      index.on(key, Sort.Direction.ASC);
    }
    return index.unique();
  }

  private Flux<String> queryIndexes() {
    return Flux.concat(
        index(Tenant.class, new Index().on("createdAt", Sort.Direction.ASC)),
        index(
            Suppression.class,
            new Index().on("tenantId", Sort.Direction.ASC).on("createdAt", Sort.Direction.ASC)),
        index(
            HostedDomain.class,
            new Index().on("tenantId", Sort.Direction.ASC).on("createdAt", Sort.Direction.ASC)),
        index(
            Mailbox.class,
            new Index()
                .on("tenantId", Sort.Direction.ASC)
                .on("address", Sort.Direction.ASC)
                .unique()),
        index(
            Mailbox.class,
            new Index().on("tenantId", Sort.Direction.ASC).on("createdAt", Sort.Direction.ASC)),
        index(ApiToken.class, new Index().on("tokenHash", Sort.Direction.ASC).unique()),
        index(
            ApiToken.class,
            new Index().on("tenantId", Sort.Direction.ASC).on("createdAt", Sort.Direction.ASC)),
        // Listing and keyset pagination: newest first within the token's mailboxes.
        index(
            StoredMessage.class,
            new Index()
                .on("tenantId", Sort.Direction.ASC)
                .on("mailboxId", Sort.Direction.ASC)
                .on("receivedAt", Sort.Direction.DESC)
                .on("_id", Sort.Direction.DESC)),
        index(
            StoredMessage.class,
            new Index().on("tenantId", Sort.Direction.ASC).on("searchTokens", Sort.Direction.ASC)),
        index(
            StoredMessage.class,
            new Index().on("tenantId", Sort.Direction.ASC).on("threadId", Sort.Direction.ASC)),
        index(
            StoredMessage.class,
            new Index().on("tenantId", Sort.Direction.ASC).on("fromEmail", Sort.Direction.ASC)),
        index(
            StoredMessage.class,
            new Index()
                .on("tenantId", Sort.Direction.ASC)
                .on("participantEmails", Sort.Direction.ASC)),
        index(
            StoredMessage.class,
            new Index().on("tenantId", Sort.Direction.ASC).on("labels", Sort.Direction.ASC)),
        index(
            StoredMessage.class,
            new Index()
                .on("tenantId", Sort.Direction.ASC)
                .on("mailboxId", Sort.Direction.ASC)
                .on("rfcMessageId", Sort.Direction.ASC)),
        index(
            StoredMessage.class,
            new Index()
                .on("mailboxId", Sort.Direction.ASC)
                .on("providerMessageId", Sort.Direction.ASC)
                .unique()),
        // Records that are done carry expiresAt; MongoDB removes them when it passes.
        Flux.just(IdempotencyRecord.class, OutboxRecord.class, WebhookDelivery.class)
            .concatMap(type -> index(type, expiring())),
        mongo.indexOps(SlidingWindowRateLimiter.COLLECTION).createIndex(expiring()),
        index(
            WebhookEndpoint.class,
            new Index().on("tenantId", Sort.Direction.ASC).on("eventTypes", Sort.Direction.ASC)),
        // The dispatcher's poll for due retries.
        index(
            WebhookDelivery.class,
            new Index().on("status", Sort.Direction.ASC).on("nextAttemptAt", Sort.Direction.ASC)),
        // The delivery log of one endpoint, newest first.
        index(
            WebhookDelivery.class,
            new Index()
                .on("tenantId", Sort.Direction.ASC)
                .on("endpointId", Sort.Direction.ASC)
                .on("createdAt", Sort.Direction.DESC)
                .on("_id", Sort.Direction.DESC)),
        index(
            OutboxRecord.class,
            new Index().on("status", Sort.Direction.ASC).on("createdAt", Sort.Direction.ASC)));
  }

  private static Index expiring() {
    return new Index().on("expiresAt", Sort.Direction.ASC).expire(java.time.Duration.ZERO);
  }

  private Mono<String> index(Class<?> type, Index index) {
    return mongo.indexOps(type).createIndex(index);
  }
}
