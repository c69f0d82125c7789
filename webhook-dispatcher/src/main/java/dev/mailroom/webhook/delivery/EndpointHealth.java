package dev.mailroom.webhook.delivery;

import dev.mailroom.model.event.EndpointDisabled;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.webhook.WebhookEndpoint;
import dev.mailroom.store.webhook.WebhookEndpointRepository;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Tracks each endpoint's failure streak and disables an endpoint that answered 410 Gone or has
 * failed continuously for the configured window, emitting {@code endpoint.disabled} exactly once.
 */
public class EndpointHealth {
  private static final Logger log = LoggerFactory.getLogger(EndpointHealth.class);
  private static final String SOURCE = "/mailroom/webhook-dispatcher";

  private final WebhookEndpointRepository endpoints;
  private final EndpointDirectory directory;
  private final EnvelopePublisher publisher;
  private final Duration disableAfter;

  public EndpointHealth(
      WebhookEndpointRepository endpoints,
      EndpointDirectory directory,
      EnvelopePublisher publisher,
      Duration disableAfter) {
    this.endpoints = endpoints;
    this.directory = directory;
    this.publisher = publisher;
    this.disableAfter = disableAfter;
  }

  public Mono<Void> succeeded(WebhookEndpoint endpoint) {
    if (endpoint.failingSince() == null) {
      return Mono.empty();
    }
    return endpoints
        .markHealthy(endpoint.tenantId(), endpoint.id())
        .doOnNext(changed -> directory.evict(endpoint.id()))
        .then();
  }

  public Mono<Void> failed(WebhookEndpoint endpoint, Instant now) {
    Instant since = endpoint.failingSince();
    if (since == null) {
      return endpoints
          .markFailing(endpoint.tenantId(), endpoint.id(), now)
          .doOnNext(changed -> directory.evict(endpoint.id()))
          .then();
    }
    if (Duration.between(since, now).compareTo(disableAfter) >= 0) {
      return disable(endpoint, "failing continuously since " + since, since, now);
    }
    return Mono.empty();
  }

  public Mono<Void> gone(WebhookEndpoint endpoint, Instant now) {
    return disable(endpoint, "the endpoint answered 410 Gone", endpoint.failingSince(), now);
  }

  private Mono<Void> disable(
      WebhookEndpoint endpoint, String reason, Instant failingSince, Instant now) {
    return endpoints
        .disable(endpoint.tenantId(), endpoint.id(), reason, now)
        .flatMap(
            changed -> {
              directory.evict(endpoint.id());
              if (!changed) {
                return Mono.empty();
              }
              log.warn(
                  "Webhook endpoint {} of tenant {} disabled: {}",
                  endpoint.id(),
                  endpoint.tenantId(),
                  reason);
              EndpointDisabled event =
                  new EndpointDisabled(
                      endpoint.tenantId(),
                      endpoint.id(),
                      endpoint.url(),
                      reason,
                      failingSince,
                      now);
              // The disable is already stored; the event is retried for a while, then logged.
              return publisher
                  .publish(event, SOURCE, endpoint.id())
                  .retryWhen(Retry.backoff(5, Duration.ofMillis(500)))
                  .doOnError(
                      e ->
                          log.error(
                              "endpoint.disabled for {} not published: {}",
                              endpoint.id(),
                              e.toString()))
                  .onErrorComplete()
                  .then();
            });
  }
}
