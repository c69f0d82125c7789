package dev.mailroom.store.token;

import dev.mailroom.store.TenantScope;
import java.time.Instant;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public class ApiTokenRepository {
  private final ReactiveMongoTemplate mongo;

  public ApiTokenRepository(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  public Mono<ApiToken> insert(ApiToken token) {
    return mongo.insert(token);
  }

  /**
   * Authentication: the only lookup that is not scoped by tenant, because the tenant is what it
   * finds out. Revoked tokens are not returned.
   */
  public Mono<ApiToken> findActiveByToken(String token) {
    return mongo.findOne(
        Query.query(
            Criteria.where("tokenHash").is(TokenSecrets.hash(token)).and("revokedAt").is(null)),
        ApiToken.class);
  }

  /**
   * Marks the token revoked; the gateway looks tokens up on every request, so it stops
   * authenticating everywhere at once. Revoking twice keeps the first time. Empty when the tenant
   * has no such token.
   */
  public Mono<ApiToken> revoke(String tenantId, String tokenId, Instant now) {
    Query mine = TenantScope.byId(tenantId, tokenId);
    return mongo
        .updateFirst(
            Query.query(TenantScope.of(tenantId).and("_id").is(tokenId).and("revokedAt").is(null)),
            new Update().set("revokedAt", now),
            ApiToken.class)
        .then(mongo.findOne(mine, ApiToken.class));
  }

  /** The tenant's tokens in creation order, after {@code after} when given. */
  public Flux<ApiToken> findByTenant(String tenantId, dev.mailroom.store.ListPosition after) {
    return mongo.find(
        dev.mailroom.store.ListPosition.after(TenantScope.of(tenantId), after), ApiToken.class);
  }

  public Flux<ApiToken> findByTenant(String tenantId) {
    return mongo.find(
        Query.query(TenantScope.of(tenantId)).with(Sort.by("createdAt", "_id")), ApiToken.class);
  }
}
