package dev.mailroom.store.suppression;

import dev.mailroom.store.TenantScope;
import java.util.Collection;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A tenant's suppression list: written by the sync worker, checked before every send. */
public class SuppressionRepository {
  private final ReactiveMongoTemplate mongo;

  public SuppressionRepository(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** Adds the address; an address already there keeps its first entry. */
  public Mono<Void> add(Suppression suppression) {
    return mongo
        .insert(suppression)
        .then()
        .onErrorResume(org.springframework.dao.DuplicateKeyException.class, e -> Mono.empty());
  }

  /** Those of {@code addresses} the tenant suppresses: one lookup by key each. */
  public Flux<Suppression> findAmong(String tenantId, Collection<String> addresses) {
    if (addresses.isEmpty()) {
      return Flux.empty();
    }
    return mongo.find(
        Query.query(
            TenantScope.of(tenantId)
                .and("_id")
                .in(addresses.stream().map(a -> Suppression.idOf(tenantId, a)).toList())),
        Suppression.class);
  }

  public Flux<Suppression> findByTenant(String tenantId) {
    return mongo.find(
        Query.query(TenantScope.of(tenantId)).with(Sort.by("createdAt", "_id")), Suppression.class);
  }

  /** Lifts the suppression; false when the address was not suppressed. */
  public Mono<Boolean> remove(String tenantId, String address) {
    return mongo
        .remove(
            Query.query(
                Criteria.where("_id")
                    .is(Suppression.idOf(tenantId, address))
                    .and("tenantId")
                    .is(tenantId)),
            Suppression.class)
        .map(result -> result.getDeletedCount() > 0);
  }
}
