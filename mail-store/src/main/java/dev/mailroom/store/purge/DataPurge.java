package dev.mailroom.store.purge;

import dev.mailroom.store.TenantScope;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.hosted.HostedDomain;
import dev.mailroom.store.idempotency.IdempotencyRecord;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.message.ThreadKeys;
import dev.mailroom.store.outbox.OutboxRecord;
import dev.mailroom.store.ratelimit.SlidingWindowRateLimiter;
import dev.mailroom.store.suppression.Suppression;
import dev.mailroom.store.tenant.Tenant;
import dev.mailroom.store.token.ApiToken;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookEndpoint;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Removes a mailbox or a whole tenant with everything stored for it: the one list of where tenant
 * data lives, so that a new collection or key prefix has one place to be added. The record that
 * makes the mailbox or tenant reachable goes first, so the API answers 404 and the scheduler stops
 * picking it while the rest is removed; every step is idempotent, so a purge that fails half way is
 * finished by asking again.
 *
 * <p>What is stored where: {@code mailboxes} (settings, encrypted credentials, sync state and the
 * pending sync), {@code messages} (threads are their {@code threadId}), S3 under {@link
 * BlobKeys#mailboxPrefix} (raw MIME, bodies, attachments), {@code webhook_deliveries} of its
 * events, {@code rate_limits} (keys {@code mbx:<id>:...}, {@code <tokenId>:...}, {@code
 * org:<tenantId>:...}); for a tenant also {@code api_tokens}, {@code hosted_domains}, {@code
 * suppressions}, {@code webhook_endpoints}, the rest of {@code webhook_deliveries}, {@code
 * idempotency_keys}, {@code outbox}, the connection counter in {@code counters} and the {@code
 * tenants} record.
 */
public class DataPurge {
  private final ReactiveMongoTemplate mongo;
  private final BlobStore blobs;

  public DataPurge(ReactiveMongoTemplate mongo, BlobStore blobs) {
    this.mongo = mongo;
    this.blobs = blobs;
  }

  /** What a purge removed, per collection and in S3; for the log and for tests. */
  public record Purged(long mailboxes, long messages, long blobs, long otherRecords) {
    Purged plus(Purged other) {
      return new Purged(
          mailboxes + other.mailboxes,
          messages + other.messages,
          blobs + other.blobs,
          otherRecords + other.otherRecords);
    }
  }

  /**
   * Deletes one mailbox and its messages, blobs, rate-limit windows and sync state. Empty when the
   * tenant has no such mailbox.
   */
  public Mono<Purged> purgeMailbox(String tenantId, String mailboxId) {
    return mongo
        .remove(TenantScope.byId(tenantId, mailboxId), Mailbox.class)
        .flatMap(
            removed ->
                removed.getDeletedCount() == 0
                    ? Mono.empty()
                    : mailboxData(tenantId, mailboxId)
                        .map(data -> data.plus(new Purged(1, 0, 0, 0))));
  }

  /**
   * What a sync stored for a mailbox deleted while it ran: its pages land after the purge, so the
   * worker that finds its mailbox gone removes them. Only when the mailbox record is gone.
   */
  public Mono<Purged> purgeLeftovers(String tenantId, String mailboxId) {
    return mongo
        .exists(TenantScope.byId(tenantId, mailboxId), Mailbox.class)
        .flatMap(exists -> exists ? Mono.empty() : mailboxData(tenantId, mailboxId));
  }

  private Mono<Purged> mailboxData(String tenantId, String mailboxId) {
    Mono<Long> messages =
        mongo
            .remove(Query.query(TenantScope.mailbox(tenantId, mailboxId)), StoredMessage.class)
            .map(r -> r.getDeletedCount());
    Mono<Long> keys = new ThreadKeys(mongo).purgeMailbox(tenantId, mailboxId);
    Mono<Long> stored = blobs.deletePrefix(BlobKeys.mailboxPrefix(tenantId, mailboxId));
    Mono<Long> windows = removeRateLimits(List.of("mbx:" + mailboxId + ":"));
    // Their payloads quote the mailbox's messages.
    Mono<Long> deliveries =
        remove(Query.query(TenantScope.mailbox(tenantId, mailboxId)), WebhookDelivery.class);
    return Mono.zip(messages, stored, windows, deliveries, keys)
        .map(t -> new Purged(0, t.getT1(), t.getT2(), t.getT3() + t.getT4() + t.getT5()));
  }

  /**
   * Deletes a tenant and everything it owns. Empty when there is no such tenant. Mailboxes are
   * purged one by one first, so that a tenant record only disappears once its data has.
   */
  public Mono<Purged> purgeTenant(String tenantId) {
    Query tenantScope = Query.query(TenantScope.of(tenantId));
    return mongo
        .exists(Query.query(Criteria.where("_id").is(tenantId)), Tenant.class)
        .filter(Boolean::booleanValue)
        .flatMap(
            exists ->
                mongo
                    .find(tenantScope, ApiToken.class)
                    .map(token -> token.id() + ":")
                    .collectList()
                    .flatMap(
                        tokenKeys ->
                            mongo
                                .find(tenantScope, Mailbox.class)
                                .concatMap(mailbox -> purgeMailbox(tenantId, mailbox.id()))
                                .reduce(new Purged(0, 0, 0, 0), Purged::plus)
                                .flatMap(
                                    mailboxes ->
                                        tenantRecords(tenantId, tokenKeys).map(mailboxes::plus))));
  }

  private Mono<Purged> tenantRecords(String tenantId, List<String> tokenKeyPrefixes) {
    Query scope = Query.query(TenantScope.of(tenantId));
    List<String> keyPrefixes = new java.util.ArrayList<>(List.of("org:" + tenantId + ":"));
    keyPrefixes.addAll(tokenKeyPrefixes);
    Flux<Long> removed =
        Flux.concat(
            // Messages of mailboxes already gone (a sync that finished after its mailbox's purge).
            remove(scope, StoredMessage.class),
            remove(scope, WebhookDelivery.class),
            remove(scope, WebhookEndpoint.class),
            remove(scope, IdempotencyRecord.class),
            remove(scope, OutboxRecord.class),
            remove(scope, ApiToken.class),
            remove(scope, HostedDomain.class),
            remove(scope, Suppression.class),
            new ThreadKeys(mongo).purgeTenant(tenantId),
            removeRateLimits(keyPrefixes),
            mongo
                .remove(
                    Query.query(Criteria.where("_id").is("mailbox-connection:" + tenantId)),
                    "counters")
                .map(r -> r.getDeletedCount()),
            blobs.deletePrefix(BlobKeys.tenantPrefix(tenantId)),
            mongo
                .remove(Query.query(Criteria.where("_id").is(tenantId)), Tenant.class)
                .map(r -> r.getDeletedCount()));
    return removed.reduce(0L, Long::sum).map(n -> new Purged(0, 0, 0, n));
  }

  private Mono<Long> remove(Query query, Class<?> type) {
    return mongo.remove(query, type).map(r -> r.getDeletedCount());
  }

  private Mono<Long> removeRateLimits(List<String> keyPrefixes) {
    String anyPrefix =
        keyPrefixes.stream().map(Pattern::quote).collect(Collectors.joining("|", "^(", ")"));
    return mongo
        .remove(
            Query.query(Criteria.where("_id").regex(anyPrefix)),
            SlidingWindowRateLimiter.COLLECTION)
        .map(r -> r.getDeletedCount());
  }
}
