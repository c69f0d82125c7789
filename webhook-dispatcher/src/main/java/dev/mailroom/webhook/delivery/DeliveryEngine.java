package dev.mailroom.webhook.delivery;

import dev.mailroom.model.webhook.WebhookSigner;
import dev.mailroom.store.webhook.DeliveryAttempt;
import dev.mailroom.store.webhook.DeliveryStatus;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import dev.mailroom.webhook.config.WebhookDeliveryProperties;
import dev.mailroom.webhook.delivery.EndpointDirectory.ReadyEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Attempts leased deliveries. Each endpoint has its own lane: at most {@code
 * max-in-flight-per-endpoint} attempts at once and a bounded queue, so a slow or dead endpoint
 * fills its own lane and nobody else's. An attempt is signed afresh (new timestamp, the same
 * webhook id and body), posted, and its outcome stored under the delivery's lease: success, another
 * try per the schedule, or failure; the endpoint's health follows.
 */
public class DeliveryEngine {
  private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);

  private final WebhookDeliveryRepository deliveries;
  private final EndpointDirectory directory;
  private final EndpointHealth health;
  private final WebhookHttpClient http;
  private final RetryPolicy retries;
  private final WebhookDeliveryProperties properties;
  private final Clock clock;
  private final MeterRegistry meters;
  private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();

  public DeliveryEngine(
      WebhookDeliveryRepository deliveries,
      EndpointDirectory directory,
      EndpointHealth health,
      WebhookHttpClient http,
      RetryPolicy retries,
      WebhookDeliveryProperties properties,
      Clock clock,
      MeterRegistry meters) {
    this.deliveries = deliveries;
    this.directory = directory;
    this.health = health;
    this.http = http;
    this.retries = retries;
    this.properties = properties;
    this.clock = clock;
    this.meters = meters;
  }

  private static final class Lane {
    final ArrayDeque<WebhookDelivery> queue = new ArrayDeque<>();
    int inFlight;

    /** Deliveries were left in MongoDB because this lane was full; say when it has room. */
    boolean overflowed;
  }

  private volatile Runnable roomListener = () -> {};

  /** Called when a lane that turned deliveries away has room again (the poller fetches them). */
  public void onRoom(Runnable listener) {
    this.roomListener = listener;
  }

  /** Whether a delivery for this endpoint would be queued now rather than left in MongoDB. */
  public boolean hasRoom(String endpointId) {
    Lane lane = lanes.computeIfAbsent(endpointId, id -> new Lane());
    synchronized (lane) {
      boolean room = lane.queue.size() < properties.maxQueuedPerEndpoint();
      lane.overflowed |= !room;
      return room;
    }
  }

  /** Takes a delivery this dispatcher holds the lease of; returns at once. */
  public void submit(WebhookDelivery leased) {
    Lane lane = lanes.computeIfAbsent(leased.endpointId(), id -> new Lane());
    boolean accepted;
    synchronized (lane) {
      accepted = lane.queue.size() < properties.maxQueuedPerEndpoint();
      if (accepted) {
        lane.queue.add(leased);
      } else {
        lane.overflowed = true;
      }
    }
    if (!accepted) {
      // The lane is full (the endpoint is slow): the delivery waits in MongoDB instead.
      deliveries
          .release(leased, clock.instant())
          .subscribe(released -> {}, e -> log.warn("Release of {} failed", leased.id(), e));
      return;
    }
    drain(lane);
  }

  /** Endpoints whose lane cannot take more now; the poller leaves their deliveries in MongoDB. */
  public Set<String> fullLanes() {
    Set<String> full = new HashSet<>();
    lanes.forEach(
        (endpointId, lane) -> {
          synchronized (lane) {
            if (lane.queue.size() >= properties.maxQueuedPerEndpoint()) {
              full.add(endpointId);
            }
          }
        });
    return full;
  }

  /** Deliveries waiting in memory or in flight, across endpoints (for tests and metrics). */
  public int backlog() {
    int total = 0;
    for (Lane lane : lanes.values()) {
      synchronized (lane) {
        total += lane.queue.size() + lane.inFlight;
      }
    }
    return total;
  }

  private void drain(Lane lane) {
    while (true) {
      WebhookDelivery next;
      synchronized (lane) {
        if (lane.overflowed && lane.queue.size() < properties.maxQueuedPerEndpoint() / 2) {
          lane.overflowed = false;
          roomListener.run();
        }
        if (lane.inFlight >= properties.maxInFlightPerEndpoint() || lane.queue.isEmpty()) {
          return;
        }
        next = lane.queue.poll();
        lane.inFlight++;
      }
      // The slot bounds connections to the endpoint, so it is freed as soon as the endpoint has
      // answered (or the attempt ended without a call); storing the outcome does not hold it.
      AtomicBoolean held = new AtomicBoolean(true);
      Runnable freeSlot =
          () -> {
            if (held.getAndSet(false)) {
              synchronized (lane) {
                lane.inFlight--;
              }
              drain(lane);
            }
          };
      attempt(next, freeSlot)
          .doFinally(signal -> freeSlot.run())
          .subscribe(
              done -> {},
              e ->
                  log.warn(
                      "Delivery {} attempt not recorded; its lease will expire", next.id(), e));
    }
  }

  private Mono<Void> attempt(WebhookDelivery queued, Runnable answered) {
    return ensureLease(queued)
        .flatMap(
            delivery ->
                directory
                    .get(delivery.tenantId(), delivery.endpointId())
                    .map(Optional::of)
                    .defaultIfEmpty(Optional.empty())
                    .flatMap(
                        endpoint -> {
                          if (endpoint.isEmpty()) {
                            return abandon(delivery, "endpoint deleted");
                          }
                          if (!endpoint.get().endpoint().enabled()) {
                            return abandon(delivery, "endpoint disabled");
                          }
                          return send(delivery, endpoint.get(), answered);
                        }));
  }

  /**
   * A delivery that waited in its lane may have outlived its lease; it is extended before the
   * attempt, or dropped if another dispatcher has taken it over meanwhile.
   */
  private Mono<WebhookDelivery> ensureLease(WebhookDelivery delivery) {
    Instant now = clock.instant();
    if (delivery.leaseUntil().isAfter(now.plus(properties.timeout()).plusSeconds(5))) {
      return Mono.just(delivery);
    }
    return deliveries.extendLease(delivery, now.plus(properties.lease()));
  }

  private Mono<Void> send(WebhookDelivery delivery, ReadyEndpoint ready, Runnable answered) {
    Instant attemptedAt = clock.instant();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("webhook-id", delivery.webhookId());
    headers.put("webhook-timestamp", Long.toString(attemptedAt.getEpochSecond()));
    headers.put(
        "webhook-signature",
        WebhookSigner.signatureHeader(
            ready.secrets(),
            delivery.webhookId(),
            attemptedAt.getEpochSecond(),
            delivery.payload()));
    URI url = URI.create(ready.endpoint().url());
    return Mono.fromFuture(() -> http.post(url, headers, delivery.payload()))
        .doOnNext(result -> answered.run())
        .flatMap(result -> settle(delivery, ready, attemptedAt, result));
  }

  private Mono<Void> settle(
      WebhookDelivery delivery, ReadyEndpoint ready, Instant attemptedAt, AttemptResult result) {
    Instant now = clock.instant();
    int made = delivery.scheduleIndex() + 1;
    DeliveryAttempt attempt =
        new DeliveryAttempt(
            attemptedAt,
            result.statusCode(),
            result.latencyMillis(),
            result.failure(),
            result.succeeded());
    Timer.builder("mailroom.webhook.attempt.latency")
        .tag("outcome", result.succeeded() ? "success" : "failure")
        .register(meters)
        .record(result.latencyMillis(), TimeUnit.MILLISECONDS);
    if (result.succeeded()) {
      count("succeeded");
      return deliveries
          .recordAttempt(delivery, attempt, DeliveryStatus.SUCCEEDED, made, now)
          .then(health.succeeded(ready.endpoint()));
    }
    if (result.gone()) {
      count("failed");
      return deliveries
          .recordAttempt(delivery, attempt, DeliveryStatus.FAILED, made, now)
          .then(health.gone(ready.endpoint(), now));
    }
    Optional<Duration> next = retries.next(made, result.throttled() ? result.retryAfter() : null);
    count(next.isPresent() ? "retrying" : "failed");
    return deliveries
        .recordAttempt(
            delivery,
            attempt,
            next.isPresent() ? DeliveryStatus.PENDING : DeliveryStatus.FAILED,
            made,
            next.map(now::plus).orElse(now))
        .then(health.failed(ready.endpoint(), now));
  }

  /** Ends a delivery that can no longer be attempted, saying why in its log. */
  private Mono<Void> abandon(WebhookDelivery delivery, String why) {
    count("failed");
    Instant now = clock.instant();
    return deliveries
        .recordAttempt(
            delivery,
            new DeliveryAttempt(now, null, 0, why, false),
            DeliveryStatus.FAILED,
            delivery.scheduleIndex(),
            now)
        .then();
  }

  private void count(String outcome) {
    meters.counter("mailroom.webhook.deliveries", "outcome", outcome).increment();
  }
}
