package dev.mailroom.store.config;

import java.time.Duration;
import org.bson.Document;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/**
 * MongoDB health by {@code ping}, which every MongoDB-compatible server answers; Boot's own
 * indicator sends {@code hello}, which the embedded wire-protocol server does not implement.
 */
public class MongoPingHealthIndicator extends AbstractReactiveHealthIndicator {
  private final ReactiveMongoTemplate mongo;

  public MongoPingHealthIndicator(ReactiveMongoTemplate mongo) {
    super("MongoDB health check failed");
    this.mongo = mongo;
  }

  @Override
  protected Mono<Health> doHealthCheck(Health.Builder builder) {
    return mongo
        .executeCommand(new Document("ping", 1))
        .timeout(Duration.ofSeconds(3))
        .map(result -> builder.up().build());
  }
}
