package dev.mailroom.store.tenant;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Tenants are the root of scoping; only the admin API reaches this repository. */
public class TenantRepository {
  private final ReactiveMongoTemplate mongo;

  public TenantRepository(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  public Mono<Tenant> insert(Tenant tenant) {
    return mongo.insert(tenant);
  }

  public Mono<Tenant> findById(String id) {
    return mongo.findById(id, Tenant.class);
  }

  public Flux<Tenant> findAll() {
    return mongo.find(new Query().with(Sort.by("createdAt", "_id")), Tenant.class);
  }

  /** Every tenant in creation order, after {@code after} when given; read as far as needed. */
  public Flux<Tenant> findAll(dev.mailroom.store.ListPosition after) {
    return mongo.find(
        dev.mailroom.store.ListPosition.after(
            new org.springframework.data.mongodb.core.query.Criteria(), after),
        Tenant.class);
  }
}
