package dev.mailroom.store.token;

import dev.mailroom.store.TenantScope;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
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

  public Flux<ApiToken> findByTenant(String tenantId) {
    return mongo.find(
        Query.query(TenantScope.of(tenantId)).with(Sort.by("createdAt", "_id")), ApiToken.class);
  }
}
