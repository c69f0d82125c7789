package dev.mailroom.webhook.delivery;

import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.webhook.WebhookEndpoint;
import dev.mailroom.store.webhook.WebhookEndpointRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Endpoints as the dispatcher needs them for an attempt, with their signing secrets decrypted, kept
 * for a moment: at a thousand deliveries a second, re-reading and decrypting each time would be
 * most of the work. An edit through the API (URL, rotation, disable) takes effect within {@code
 * ttl}.
 */
public class EndpointDirectory {
  /** An endpoint ready to deliver to; {@code secrets} are the ones signing at {@code loadedAt}. */
  public record ReadyEndpoint(WebhookEndpoint endpoint, List<String> secrets, Instant loadedAt) {}

  private final WebhookEndpointRepository endpoints;
  private final CredentialCipher cipher;
  private final Clock clock;
  private final Duration ttl;
  private final ConcurrentHashMap<String, ReadyEndpoint> cache = new ConcurrentHashMap<>();

  public EndpointDirectory(
      WebhookEndpointRepository endpoints, CredentialCipher cipher, Clock clock, Duration ttl) {
    this.endpoints = endpoints;
    this.cipher = cipher;
    this.clock = clock;
    this.ttl = ttl;
  }

  /** Empty when the endpoint no longer exists. */
  public Mono<ReadyEndpoint> get(String tenantId, String endpointId) {
    Instant now = clock.instant();
    ReadyEndpoint cached = cache.get(endpointId);
    if (cached != null && cached.loadedAt().plus(ttl).isAfter(now)) {
      return Mono.just(cached);
    }
    return endpoints
        .findById(tenantId, endpointId)
        .map(
            endpoint -> {
              ReadyEndpoint ready =
                  new ReadyEndpoint(
                      endpoint,
                      endpoint.signingSecrets(now).stream()
                          .map(s -> cipher.decrypt(s.secret(), tenantId, endpointId))
                          .toList(),
                      now);
              cache.put(endpointId, ready);
              return ready;
            })
        .switchIfEmpty(Mono.fromRunnable(() -> cache.remove(endpointId)));
  }

  /** Forgets a cached endpoint after this dispatcher changed it. */
  public void evict(String endpointId) {
    cache.remove(endpointId);
  }
}
