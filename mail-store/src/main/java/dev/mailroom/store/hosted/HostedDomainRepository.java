package dev.mailroom.store.hosted;

import dev.mailroom.store.TenantScope;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The hosted domains. Looked up by name alone only by the SMTP receiver, which learns the tenant
 * from the answer; everything else reads them within a tenant.
 */
public class HostedDomainRepository {
  private final ReactiveMongoTemplate mongo;

  public HostedDomainRepository(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** Fails with a duplicate key error when any tenant holds the domain already. */
  public Mono<HostedDomain> insert(HostedDomain domain) {
    return mongo.insert(domain);
  }

  /** The domain, whichever tenant holds it: a point lookup by id. */
  public Mono<HostedDomain> findByName(String domain) {
    return mongo.findById(domain, HostedDomain.class);
  }

  public Mono<HostedDomain> find(String tenantId, String domain) {
    return mongo.findOne(TenantScope.byId(tenantId, domain), HostedDomain.class);
  }

  public Flux<HostedDomain> findByTenant(String tenantId) {
    return mongo.find(
        Query.query(TenantScope.of(tenantId)).with(Sort.by("createdAt", "_id")),
        HostedDomain.class);
  }
}
