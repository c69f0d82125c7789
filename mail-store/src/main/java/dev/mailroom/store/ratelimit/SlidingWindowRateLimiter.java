package dev.mailroom.store.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Mono;

/**
 * An exact sliding window shared by every gateway replica: one document per key holds the times of
 * the last {@code limit} accepted requests. A request is accepted, atomically, only if fewer than
 * {@code limit} are stored or the oldest has left the window, so no burst is possible across a
 * window edge (unlike fixed windows).
 */
public class SlidingWindowRateLimiter {
  public static final String COLLECTION = "rate_limits";

  private final ReactiveMongoTemplate mongo;

  public SlidingWindowRateLimiter(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** A limit of 0 or less means unlimited: always allowed, nothing stored. */
  public Mono<RateLimitDecision> tryAcquire(String key, int limit, Duration window, Instant now) {
    if (limit <= 0) {
      return Mono.just(new RateLimitDecision(true, 0, Integer.MAX_VALUE, now));
    }
    return attempt(key, limit, window, now, 5);
  }

  private Mono<RateLimitDecision> attempt(
      String key, int limit, Duration window, Instant now, int retries) {
    Date cutoff = Date.from(now.minus(window));
    Query admissible =
        Query.query(
            Criteria.where("_id")
                .is(key)
                .orOperator(
                    Criteria.where("ts." + (limit - 1)).exists(false),
                    Criteria.where("ts.0").lte(cutoff)));
    Update push =
        new Update()
            .push("ts")
            .slice(-limit)
            .each(Date.from(now))
            .set("expiresAt", Date.from(now.plus(window)));
    return mongo
        .findAndModify(
            admissible,
            push,
            FindAndModifyOptions.options().returnNew(true),
            Document.class,
            COLLECTION)
        .map(doc -> decision(true, doc, limit, window, now))
        .switchIfEmpty(
            Mono.defer(
                () ->
                    mongo
                        .findById(key, Document.class, COLLECTION)
                        // Full means refused; room means a concurrent writer changed the window
                        // between the two reads, so try again.
                        .flatMap(
                            doc ->
                                hasRoom(doc, limit, cutoff) && retries > 0
                                    ? attempt(key, limit, window, now, retries - 1)
                                    : Mono.just(decision(false, doc, limit, window, now)))
                        // First request for this key: create the window, then try again.
                        .switchIfEmpty(
                            Mono.defer(
                                () ->
                                    mongo
                                        .insert(
                                            new Document("_id", key).append("ts", List.of()),
                                            COLLECTION)
                                        .onErrorResume(
                                            DuplicateKeyException.class, e -> Mono.empty())
                                        .then(
                                            retries > 0
                                                ? attempt(key, limit, window, now, retries - 1)
                                                : Mono.just(
                                                    new RateLimitDecision(
                                                        false, limit, 0, now.plus(window))))))));
  }

  private static boolean hasRoom(Document doc, int limit, Date cutoff) {
    List<Date> times = doc.getList("ts", Date.class);
    return times.size() < limit || !times.get(0).after(cutoff);
  }

  private static RateLimitDecision decision(
      boolean allowed, Document doc, int limit, Duration window, Instant now) {
    List<Date> times = doc.getList("ts", Date.class);
    Instant cutoff = now.minus(window);
    List<Instant> inWindow =
        times.stream().map(Date::toInstant).filter(t -> t.isAfter(cutoff)).sorted().toList();
    Instant resetAt = inWindow.isEmpty() ? now : inWindow.get(0).plus(window);
    return new RateLimitDecision(allowed, limit, Math.max(0, limit - inWindow.size()), resetAt);
  }
}
