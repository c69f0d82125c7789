package dev.mailroom.store.webhook;

import dev.mailroom.store.TenantScope;
import java.time.Instant;
import java.util.List;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public class WebhookEndpointRepository {
  private final ReactiveMongoTemplate mongo;

  public WebhookEndpointRepository(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  public Mono<WebhookEndpoint> insert(WebhookEndpoint endpoint) {
    return mongo.insert(endpoint);
  }

  public Mono<WebhookEndpoint> findById(String tenantId, String id) {
    return mongo.findOne(TenantScope.byId(tenantId, id), WebhookEndpoint.class);
  }

  /** The tenant's subscriptions in creation order, after {@code after} when given. */
  public Flux<WebhookEndpoint> findByTenant(
      String tenantId, dev.mailroom.store.ListPosition after) {
    return mongo.find(
        dev.mailroom.store.ListPosition.after(TenantScope.of(tenantId), after),
        WebhookEndpoint.class);
  }

  public Flux<WebhookEndpoint> findByTenant(String tenantId) {
    return mongo.find(
        Query.query(TenantScope.of(tenantId)).with(Sort.by("createdAt", "_id")),
        WebhookEndpoint.class);
  }

  /** The enabled endpoints of a tenant that subscribe to this event type and mailbox. */
  public Flux<WebhookEndpoint> findSubscribers(
      String tenantId, String eventType, String mailboxId) {
    return mongo
        .find(
            Query.query(
                TenantScope.of(tenantId)
                    .and("status")
                    .is(EndpointStatus.ENABLED)
                    .and("eventTypes")
                    .is(eventType)),
            WebhookEndpoint.class)
        .filter(endpoint -> endpoint.subscribesTo(eventType, mailboxId));
  }

  /** Applies {@code change} in one write and returns the endpoint as it now is. */
  public Mono<WebhookEndpoint> change(
      String tenantId, String id, EndpointChange change, Instant now) {
    return mongo.findAndModify(
        TenantScope.byId(tenantId, id),
        updateOf(change, now).set("updatedAt", now),
        FindAndModifyOptions.options().returnNew(true),
        WebhookEndpoint.class);
  }

  private static Update updateOf(EndpointChange change, Instant now) {
    Update update = new Update();
    if (change.url() != null) {
      update.set("url", change.url());
    }
    if (change.eventTypes() != null) {
      update.set("eventTypes", change.eventTypes());
    }
    if (change.mailboxIds() != null) {
      update.set("mailboxIds", change.mailboxIds());
    }
    if (change.description() != null) {
      update.set("description", change.description());
    }
    if (Boolean.TRUE.equals(change.enabled())) {
      update
          .set("status", EndpointStatus.ENABLED)
          .unset("disabledReason")
          .unset("disabledAt")
          .unset("failingSince");
    } else if (Boolean.FALSE.equals(change.enabled())) {
      update
          .set("status", EndpointStatus.DISABLED)
          .set("disabledReason", EndpointChange.DISABLED_BY_OWNER)
          .set("disabledAt", now);
    }
    return update;
  }

  public Mono<Boolean> delete(String tenantId, String id) {
    return mongo
        .remove(TenantScope.byId(tenantId, id), WebhookEndpoint.class)
        .map(result -> result.getDeletedCount() == 1);
  }

  /**
   * Replaces the secret list only if nobody rotated in between (compare-and-set on the list the
   * caller computed from), so two concurrent rotations cannot lose a secret a receiver holds.
   */
  public Mono<WebhookEndpoint> replaceSecrets(
      WebhookEndpoint current, List<EndpointSecret> secrets, Instant now) {
    return mongo.findAndModify(
        Query.query(
            TenantScope.of(current.tenantId())
                .and("_id")
                .is(current.id())
                .and("updatedAt")
                .is(current.updatedAt())),
        Update.update("secrets", secrets).set("updatedAt", now),
        FindAndModifyOptions.options().returnNew(true),
        WebhookEndpoint.class);
  }

  /** Records the start of a failure streak; a no-op while one is running. */
  public Mono<Boolean> markFailing(String tenantId, String id, Instant since) {
    return mongo
        .updateFirst(
            Query.query(TenantScope.of(tenantId).and("_id").is(id).and("failingSince").is(null)),
            Update.update("failingSince", since),
            WebhookEndpoint.class)
        .map(result -> result.getModifiedCount() == 1);
  }

  public Mono<Boolean> markHealthy(String tenantId, String id) {
    return mongo
        .updateFirst(
            Query.query(TenantScope.of(tenantId).and("_id").is(id).and("failingSince").ne(null)),
            new Update().unset("failingSince"),
            WebhookEndpoint.class)
        .map(result -> result.getModifiedCount() == 1);
  }

  /**
   * Disables an enabled endpoint; true only for the one caller that made the change, so the {@code
   * endpoint.disabled} event is emitted once however many deliveries fail at the same time.
   */
  public Mono<Boolean> disable(String tenantId, String id, String reason, Instant at) {
    return mongo
        .updateFirst(
            Query.query(
                TenantScope.of(tenantId)
                    .and("_id")
                    .is(id)
                    .and("status")
                    .is(EndpointStatus.ENABLED)),
            Update.update("status", EndpointStatus.DISABLED)
                .set("disabledReason", reason)
                .set("disabledAt", at)
                .set("updatedAt", at),
            WebhookEndpoint.class)
        .map(result -> result.getModifiedCount() == 1);
  }
}
