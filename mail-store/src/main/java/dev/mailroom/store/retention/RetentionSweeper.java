package dev.mailroom.store.retention;

import dev.mailroom.store.idempotency.IdempotencyRecord;
import dev.mailroom.store.outbox.OutboxRecord;
import dev.mailroom.store.ratelimit.SlidingWindowRateLimiter;
import dev.mailroom.store.webhook.WebhookDelivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Removes records whose {@code expiresAt} has passed: published commands, finished webhook
 * deliveries, idle rate-limit windows and expired idempotency keys. Each collection also has a TTL
 * index on that field, which real MongoDB applies by itself; the embedded server does not, and
 * without this sweep those collections would grow with every request for as long as it runs.
 * Deleting what TTL already deleted is harmless, so every replica may sweep.
 */
public class RetentionSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

  /** The collections that expire, by the name operators see in the log. */
  static final Map<String, String> EXPIRING = expiring();

  private final ReactiveMongoTemplate mongo;
  private final Clock clock;
  private final Duration interval;
  private volatile Disposable running;

  public RetentionSweeper(ReactiveMongoTemplate mongo, Clock clock, Duration interval) {
    this.mongo = mongo;
    this.clock = clock;
    this.interval = interval;
  }

  private static Map<String, String> expiring() {
    Map<String, String> collections = new LinkedHashMap<>();
    collections.put("published commands", collection(OutboxRecord.class));
    collections.put("finished webhook deliveries", collection(WebhookDelivery.class));
    collections.put("rate-limit windows", SlidingWindowRateLimiter.COLLECTION);
    collections.put("idempotency keys", collection(IdempotencyRecord.class));
    return Map.copyOf(collections);
  }

  private static String collection(Class<?> type) {
    return type.getAnnotation(org.springframework.data.mongodb.core.mapping.Document.class).value();
  }

  /** Sweeps every {@code interval} until closed; a zero interval leaves expiry to TTL alone. */
  public void start() {
    if (interval.isZero() || interval.isNegative()) {
      return;
    }
    running =
        Flux.interval(interval, interval)
            .onBackpressureDrop()
            .concatMap(tick -> sweep().onErrorResume(e -> failed(e)), 1)
            .subscribe();
  }

  private Mono<Long> failed(Throwable e) {
    // MongoDB unreachable: the next sweep tries again; nothing is lost by waiting.
    log.warn("Retention sweep failed: {}", e.toString());
    return Mono.empty();
  }

  /** One pass over every expiring collection; emits how many records were removed in all. */
  public Mono<Long> sweep() {
    Instant now = clock.instant();
    return Flux.fromIterable(EXPIRING.entrySet())
        .concatMap(
            entry ->
                mongo
                    .remove(Query.query(Criteria.where("expiresAt").lt(now)), entry.getValue())
                    .map(result -> result.getDeletedCount())
                    .doOnNext(
                        removed -> {
                          if (removed > 0) {
                            log.info("Removed {} expired {}", removed, entry.getKey());
                          }
                        }))
        .reduce(0L, Long::sum);
  }

  @Override
  public void close() {
    if (running != null) {
      running.dispose();
    }
  }
}
